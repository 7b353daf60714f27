// swift-tools-version: 6.1
import Foundation
import PackageDescription

// Pingshen — professional-title evaluation for a city's HR bureau.
//
// One library module per concern (see ARCHITECTURE.md). Developers may set
// PINGSHEN_ONLY=Documents,Forms (test-target stems) to build and test only those
// modules and their dependencies while other modules are being changed.

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let yams: Target.Dependency = .product(name: "Yams", package: "Yams")
let grdb: Target.Dependency = .product(name: "GRDB", package: "GRDB.swift")
let sqlite: Target.Dependency = .product(name: "GRDBSQLite", package: "GRDB.swift")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let hummingbirdTesting: Target.Dependency = .product(name: "HummingbirdTesting", package: "hummingbird")
let bcrypt: Target.Dependency = .product(name: "HummingbirdBcrypt", package: "hummingbird-auth")
let nioSSL: Target.Dependency = .product(name: "NIOSSL", package: "swift-nio-ssl")

/// Every regular target with the names of the local targets it depends on, so a filter can
/// keep the closure of what is being worked on.
let libraries: [(name: String, local: [String], external: [Target.Dependency])] = [
    ("ZipKit", ["CLibZip"], []),
    ("JSONKit", [], []),
    ("Domain", [], [yams, crypto]),
    ("Workflow", ["Domain"], []),
    ("Forms", ["Domain", "JSONKit"], [yams]),
    ("Documents", ["CLibXML2", "ZipKit", "CQREncode", "JSONKit"], []),
    ("Store", ["Domain", "Workflow", "JSONKit"], [grdb, sqlite, crypto]),
    ("Signing", ["Domain", "Workflow", "Store"], [crypto]),
    ("Season", ["Domain", "Workflow", "Store", "Signing", "Forms"], []),
    ("Issuance", ["Domain", "Workflow", "Store", "Documents", "Forms"], []),
    ("Intake", ["Domain", "Workflow", "Store", "Forms"], []),
    ("OfficeSteps", ["Domain", "Workflow", "Store", "Signing", "Forms"], []),
    (
        "WebApp",
        ["Domain", "Workflow", "Forms", "Store", "Intake", "Issuance", "Signing", "Archive", "Documents", "OfficeSteps"],
        [hummingbird, bcrypt, crypto, nioSSL]
    ),
    ("Archive", ["Domain", "Workflow", "Store", "Signing", "ZipKit", "Documents", "JSONKit"], [crypto]),
    (
        "PingshenCLI",
        [
            "Domain", "Workflow", "Forms", "Documents", "Store", "Season", "Issuance", "Signing", "Archive", "Intake",
            "WebApp", "OfficeSteps",
        ],
        [argumentParser, logging]
    ),
]
let systemLibraries: [Target] = [
    .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
    .systemLibrary(name: "CLibZip", pkgConfig: "libzip", providers: [.apt(["libzip-dev"])]),
    .systemLibrary(name: "CQREncode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
]
let executables: [(name: String, path: String, local: [String])] = [
    ("pingshen", "Sources/pingshen", ["PingshenCLI"]),
    ("pingshen-bench", "Sources/pingshen-bench", ["Season", "Store", "Documents", "Archive", "PingshenCLI"]),
]
let tests: [(name: String, local: [String], resources: Bool, external: [Target.Dependency])] = [
    ("DomainTests", ["Domain"], false, []),
    ("WorkflowTests", ["Workflow", "Domain"], false, []),
    ("FormsTests", ["Forms", "Domain"], true, []),
    ("ZipKitTests", ["ZipKit"], false, []),
    ("JSONKitTests", ["JSONKit"], true, []),
    ("DocumentsTests", ["Documents", "ZipKit"], true, []),
    ("StoreTests", ["Store", "Workflow", "Domain"], false, []),
    ("SeasonTests", ["Season", "Store", "Workflow", "Domain", "Signing", "Forms", "JSONKit"], false, []),
    ("IssuanceTests", ["Issuance", "Season", "Store", "Documents", "Forms", "Workflow", "Domain"], false, []),
    ("ArchiveTests", ["Archive", "Signing", "Store", "Workflow", "Domain"], false, []),
    ("IntakeTests", ["Intake", "Forms", "Store", "Workflow", "Domain"], false, []),
    (
        "WebAppTests", ["WebApp", "Season", "Signing", "Forms", "Intake", "Store", "Workflow", "Domain"], false,
        [hummingbirdTesting]
    ),
    (
        "PingshenCLITests",
        ["PingshenCLI", "Season", "Store", "Documents", "Forms", "Workflow", "Domain", "Issuance", "Archive"], false, []
    ),
]

// ---- optional filter (PINGSHEN_ONLY) ------------------------------------------------------
let only: Set<String>? = Context.environment["PINGSHEN_ONLY"].map {
    Set($0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
}
func closure(_ roots: [String]) -> Set<String> {
    var seen = Set<String>()
    var stack = roots
    let deps = Dictionary(uniqueKeysWithValues: libraries.map { ($0.name, $0.local) })
    while let n = stack.popLast() {
        guard seen.insert(n).inserted else { continue }
        stack.append(contentsOf: deps[n] ?? [])
    }
    return seen
}
let selectedTests = tests.filter { only == nil || only!.contains(String($0.name.dropLast(5))) }
let selectedExecutables = executables.filter { only == nil || only!.contains($0.name) }
let needed: Set<String>? =
    only == nil ? nil : closure(selectedTests.flatMap(\.local) + selectedExecutables.flatMap(\.local))
func isNeeded(_ name: String) -> Bool { needed == nil || needed!.contains(name) }

var targets: [Target] = systemLibraries.filter { isNeeded($0.name) }
targets += libraries.filter { isNeeded($0.name) }.map { lib in
    .target(
        name: lib.name,
        dependencies: lib.local.map { .target(name: $0) } + lib.external,
        swiftSettings: swiftSettings)
}
targets += selectedExecutables.map { exe in
    .executableTarget(
        name: exe.name, dependencies: exe.local.map { .target(name: $0) }, path: exe.path,
        swiftSettings: swiftSettings)
}
targets += selectedTests.map { test in
    .testTarget(
        name: test.name,
        dependencies: test.local.map { .target(name: $0) } + test.external,
        resources: test.resources ? [.copy("Fixtures")] : [],
        swiftSettings: swiftSettings)
}

// ---- fuzz targets (PINGSHEN_FUZZ=1, only scripts/fuzz.sh sets it) ---------------------------
// libFuzzer entry points in Fuzz/<name>/main.swift (each hands its test function to
// LLVMFuzzerRunDriver, declared in Fuzz/CLibFuzzer). Absent from the normal build; scripts/fuzz.sh
// builds them in their own scratch path (.build/fuzz) with our modules instrumented
// (-sanitize=fuzzer,address) and the dependencies left plain. lld links them (gold fails on the
// sanitizer runtime's debug information).
let fuzzing = Context.environment["PINGSHEN_FUZZ"] != nil
let fuzzers: [(name: String, local: [String], external: [Target.Dependency])] = [
    ("fuzz-mustache", ["Documents", "JSONKit"], []),
    ("fuzz-odt", ["Documents", "ZipKit", "JSONKit", "CLibXML2"], []),
    ("fuzz-multipart", ["WebApp"], [crypto]),
    ("fuzz-urlencoded", ["WebApp"], []),
    ("fuzz-bag", ["Archive", "Signing", "Domain"], [crypto]),
    ("fuzz-json", ["JSONKit"], []),
    ("fuzz-csv", ["Documents", "CLibXML2"], []),
]
if fuzzing {
    let sanitize = "-sanitize=fuzzer,address"
    targets = targets.map { target in
        guard target.type == .regular else { return target }
        target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags([sanitize])]
        return target
    }
    targets.append(.systemLibrary(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"))
    targets += fuzzers.map { fuzzer in
        .executableTarget(
            name: fuzzer.name,
            dependencies: fuzzer.local.map { .target(name: $0) } + fuzzer.external + ["CLibFuzzer"],
            path: "Fuzz/\(fuzzer.name)", swiftSettings: swiftSettings + [.unsafeFlags([sanitize])],
            linkerSettings: [.unsafeFlags([sanitize, "-use-ld=lld"])])
    }
}

let package = Package(
    name: "Pingshen",
    platforms: [.macOS(.v14)],
    products: selectedExecutables.map { .executable(name: $0.name, targets: [$0.name]) }
        + (fuzzing ? fuzzers.map { .executable(name: $0.name, targets: [$0.name]) } : []),
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.20.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        // TLS for the notifier's SMTP connections (already in Package.resolved, through hummingbird's graph).
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.27.0"),
    ],
    targets: targets
)
