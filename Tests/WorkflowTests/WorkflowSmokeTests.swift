import Testing

@testable import Workflow

@Test func moduleLoads() {}
