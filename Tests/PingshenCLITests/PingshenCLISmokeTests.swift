import Testing

@testable import PingshenCLI

@Test func moduleLoads() {}
