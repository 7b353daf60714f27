import Testing

@testable import Forms

@Test func moduleLoads() {}
