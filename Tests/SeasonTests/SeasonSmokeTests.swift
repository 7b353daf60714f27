import Testing

@testable import Season

@Test func moduleLoads() {}
