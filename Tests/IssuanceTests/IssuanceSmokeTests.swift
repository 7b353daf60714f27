import Testing
@testable import Issuance

@Test func moduleLoads() {}
