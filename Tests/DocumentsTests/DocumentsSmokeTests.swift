import Testing

@testable import Documents

@Test func moduleLoads() {}
