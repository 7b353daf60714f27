import Testing
@testable import WebApp

@Test func moduleLoads() {}
