import Domain
import Foundation
import Signing
import Store
import Testing

@testable import Archive

@Suite struct FourPropertyCheckTests {
    let dir = temporaryDirectory()
    typealias Fixture = ArchivePackageFixture

    func keyring(_ folder: String = "keys") throws -> OfficeKeyring {
        try OfficeKeyring.open(directory: dir + "/" + folder, now: keyringCreated)
    }

    func check(_ path: String, keys: PublicKeySet, external: ExternalChecks = .none) -> FourPropertyReport {
        FourPropertyCheck(keys: keys, trust: "测试密钥库", external: external).check(
            path: path, occasion: .onDemand, now: fixedNow)
    }

    func failed(_ report: FourPropertyReport) -> [String] { report.failures.map(\.id) }

    /// The real programs, or nil (with a note) when one is not installed.
    static func realPrograms() -> ExternalChecks? {
        let missing = ExternalChecks.missingPrograms(odfTools: Fixture.odfTools)
        guard missing.isEmpty else {
            print("四性检测的外部程序测试跳过：未安装 \(missing.joined(separator: "、"))（CI 安装了它们）")
            return nil
        }
        return ExternalChecks.programs(odfTools: Fixture.odfTools)
    }

    @Test func goodPackagePassesAllFourAndSaysNoFixedLayoutCopyExists() throws {
        let k = try keyring()
        let path = try Fixture.write(try Fixture.package(keyring: k), into: dir)
        let report = check(path, keys: k.publicKeys)
        #expect(report.failures.map(\.details) == [])
        #expect(report.passed)
        for property in ArchiveProperty.allCases { #expect(report.outcome(of: property) == .passed, "\(property)") }
        #expect(report.item("authenticity.signature")?.outcome == .passed)
        #expect(report.item("authenticity.metadata")?.outcome == .passed)
        #expect(report.item("integrity.item-numbers")?.outcome == .passed)
        #expect(report.item("authenticity.database")?.outcome == .notApplicable)
        // Without outside programs those items say they were not run.
        #expect(report.item("usability.odf-schema")?.outcome == .notApplicable)
        #expect(report.item("usability.odf-schema")?.details.first?.contains("未执行") == true)
        let layout = try #require(report.item("usability.fixed-layout"))
        #expect(layout.outcome == .notApplicable)
        #expect(layout.details.first?.contains("尚无文书的版式文件（OFD/PDF）副本") == true)
        #expect(report.externalIdentifier == Fixture.documentNumber)
        #expect(report.text.contains("结论：四性检测通过。"))
    }

    @Test func zipPackagePassesToo() throws {
        let k = try keyring()
        let bag = try Fixture.package(keyring: k)
        let zip = dir + "/decision-2026-12.zip"
        try BagZip.write(bag, date: Fixture.info().baggingDate, to: zip)
        let report = check(zip, keys: k.publicKeys)
        #expect(report.failures.map(\.details) == [])
        #expect(report.package == "decision-2026-12.zip")
    }

    @Test func aChangedByteFailsAuthenticityAndIntegrityNamingTheFile() throws {
        let k = try keyring()
        let path = try Fixture.write(try Fixture.package(keyring: k), into: dir)
        let file = path + "/data/committee/S-2026-01/minutes.odt"
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let report = check(path, keys: k.publicKeys)
        #expect(!report.passed)
        #expect(report.outcome(of: .authenticity) == .failed)
        #expect(report.outcome(of: .integrity) == .failed)
        for id in ["authenticity.content", "authenticity.metadata", "integrity.manifest"] {
            let item = try #require(report.item(id))
            #expect(item.outcome == .failed, "\(id)")
            #expect(item.files.contains("data/committee/S-2026-01/minutes.odt"), "\(id): \(item.files)")
            #expect(item.details.joined().contains("minutes.odt"), "\(id): \(item.details)")
        }
        // The signature over the tag manifest still holds: it is the content that changed.
        #expect(report.item("authenticity.signature")?.outcome == .passed)
    }

    @Test func aMissingRecordFailsNamingIt() throws {
        let k = try keyring()
        // Removed after signing: the manifest and the catalogue both miss it.
        let path = try Fixture.write(try Fixture.package(keyring: k), into: dir)
        try FileManager.default.removeItem(atPath: path + "/data/committee/S-2026-01/vote-record.odt")
        let report = check(path, keys: k.publicKeys)
        let content = try #require(report.item("integrity.content"))
        #expect(content.outcome == .failed)
        #expect(content.files == ["data/committee/S-2026-01/vote-record.odt"])
        #expect(content.details.first?.contains("vote-record.odt") == true)
        #expect(report.item("integrity.manifest")?.outcome == .failed)

        // Catalogued but never packed (the manifests agree with themselves): only the catalogue shows it.
        var payload = Fixture.defaultPayload()
        payload.removeAll { $0.path == "committee/S-2026-01/minutes.odt" }
        let other = dir + "/other"
        let path2 = try Fixture.write(try Fixture.package(keyring: k, payload: payload), into: other)
        let report2 = check(path2, keys: k.publicKeys)
        #expect(failed(report2) == ["integrity.content"])
        #expect(report2.item("integrity.content")?.files == ["data/committee/S-2026-01/minutes.odt"])
    }

    @Test func aGapInItemNumbersFails() throws {
        let k = try keyring()
        var records = Fixture.defaultRecords()
        records[3].item = 6  // 0001, 0002, 0003, 0006 in the permanent series
        let path = try Fixture.write(try Fixture.package(keyring: k, records: records), into: dir)
        let report = check(path, keys: k.publicKeys)
        #expect(failed(report) == ["integrity.item-numbers"])
        #expect(report.item("integrity.item-numbers")?.details.first?.contains("0004、0005") == true)
    }

    @Test func metadataThatDisagreesWithItsCodeFails() throws {
        let k = try keyring()
        let payload = Fixture.defaultPayload()
        var xml = String(decoding: Fixture.metadata(Fixture.defaultRecords(), payload: payload), as: UTF8.self)
        xml = xml.replacingOccurrences(of: "<件号>3</件号>", with: "<件号>8</件号>")
        xml = xml.replacingOccurrences(of: "<密级>公开</密级>", with: "")
        let path = try Fixture.write(try Fixture.package(keyring: k, metadata: Array(xml.utf8)), into: dir)
        let report = check(path, keys: k.publicKeys)
        let item = try #require(report.item("integrity.metadata"))
        #expect(item.outcome == .failed)
        #expect(item.details.contains { $0.contains("minutes.odt") && $0.contains("件号") })
        #expect(item.details.contains { $0.contains("缺少 <密级>") })
    }

    @Test func noMetadataFileFailsIntegrity() throws {
        let k = try keyring()
        let bag = try BagWriter.build(
            name: "decision-2026-12", payload: Fixture.defaultPayload(), info: Fixture.info(), keyring: k)
        let path = try BagWriter.write(bag, into: dir)
        let report = check(path, keys: k.publicKeys)
        #expect(failed(report) == ["integrity.metadata"])
        #expect(report.item("integrity.metadata")?.details.first?.contains("metadata.xml") == true)
    }

    @Test func anODTWhoseContentIsCorruptFailsUsabilityNamingIt() throws {
        let k = try keyring()
        let content = try Fixture.entry("minutes.odt", "content.xml")
        let broken = try Fixture.odt(
            "minutes.odt", replacing: "content.xml", with: Array(content.prefix(content.count / 2)))
        var payload = Fixture.defaultPayload()
        payload[2].bytes = broken
        let path = try Fixture.write(try Fixture.package(keyring: k, payload: payload), into: dir)
        let report = check(path, keys: k.publicKeys)
        // Signed as it is: only usability fails, naming the file.
        #expect(failed(report) == ["usability.well-formed"])
        let item = try #require(report.item("usability.well-formed"))
        #expect(item.files == ["data/committee/S-2026-01/minutes.odt"])
        #expect(item.details.first?.contains("content.xml") == true)
    }

    @Test func realProgramsPassAGoodPackageAndFailAnODTThatDoesNotOpen() throws {
        guard let programs = Self.realPrograms() else { return }
        let k = try keyring()
        let content = try Fixture.entry("minutes.odt", "content.xml")
        let broken = try Fixture.odt(
            "minutes.odt", replacing: "content.xml", with: Array(content.prefix(content.count / 2)))
        var payload = Fixture.defaultPayload()
        payload[2].bytes = broken
        let good = try Fixture.write(try Fixture.package(keyring: k), into: dir + "/good")
        let bad = try Fixture.write(try Fixture.package(keyring: k, payload: payload), into: dir + "/bad")

        let passing = check(good, keys: k.publicKeys, external: programs)
        #expect(passing.failures.map(\.details) == [])
        #expect(passing.item("usability.odf-schema")?.outcome == .passed)
        #expect(passing.item("usability.opens")?.outcome == .passed)

        let failing = check(bad, keys: k.publicKeys, external: programs)
        #expect(failed(failing) == ["usability.well-formed", "usability.odf-schema", "usability.opens"])
        for id in ["usability.odf-schema", "usability.opens"] {
            #expect(failing.item(id)?.files == ["data/committee/S-2026-01/minutes.odt"], "\(id)")
        }
        #expect(failing.item("usability.opens")?.details.first?.contains("LibreOffice 未能打开") == true)
    }

    @Test func aForeignSigningKeyFailsAuthenticity() throws {
        let office = try keyring()
        let stranger = try keyring("stranger")
        let path = try Fixture.write(try Fixture.package(keyring: stranger), into: dir)
        let report = check(path, keys: office.publicKeys)
        #expect(failed(report) == ["authenticity.signature"])
        let item = try #require(report.item("authenticity.signature"))
        #expect(item.details.first?.contains("不在职改办密钥库中") == true)
        #expect(item.details.first?.contains(stranger.currentKeyID) == true)
        #expect(report.signedBy == nil)
    }

    @Test func aScriptInAnHTMLFileFailsSecurityAndTheReportEscapesIt() throws {
        let k = try keyring()
        var payload = Fixture.defaultPayload()
        let page = String(decoding: payload[1].bytes, as: UTF8.self).replacingOccurrences(
            of: "</head>", with: "<script>alert(1)</script></head>")
        payload[1].bytes = Array(page.utf8)
        let path = try Fixture.write(try Fixture.package(keyring: k, payload: payload), into: dir)
        let report = check(path, keys: k.publicKeys)
        #expect(failed(report) == ["security.executable"])
        let item = try #require(report.item("security.executable"))
        #expect(item.files == ["data/decision/qualification-notice/通知.html"])
        #expect(item.details.first?.contains("<script>") == true)
        let html = report.html()
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;"))
    }

    @Test func externalReferencesAndMacrosAndEncryptionFailSecurity() throws {
        let k = try keyring()
        var payload = Fixture.defaultPayload()
        // A remote image in the HTML.
        let page = String(decoding: payload[1].bytes, as: UTF8.self).replacingOccurrences(
            of: "</body>", with: "<img alt=\"x\" src=\"https://example.com/x.png\"/></body>")
        payload[1].bytes = Array(page.utf8)
        // A macro library in one ODT, an encrypted manifest in another.
        payload[0].bytes = try Fixture.odt(
            "qualification-notice.odt", replacing: "Basic/Standard/Module1.xml", with: Array("<x/>".utf8))
        var manifest = String(decoding: try Fixture.entry("vote-record.odt", "META-INF/manifest.xml"), as: UTF8.self)
        manifest = manifest.replacingOccurrences(
            of: "manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>",
            with:
                "manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"><manifest:encryption-data manifest:checksum-type=\"SHA1/1K\" manifest:checksum=\"AA==\"><manifest:algorithm manifest:algorithm-name=\"Blowfish CFB\" manifest:initialisation-vector=\"AA==\"/><manifest:key-derivation manifest:key-derivation-name=\"PBKDF2\" manifest:salt=\"AA==\" manifest:iteration-count=\"1024\"/></manifest:encryption-data></manifest:file-entry>"
        )
        #expect(manifest.contains("encryption-data"))
        payload[3].bytes = try Fixture.odt(
            "vote-record.odt", replacing: "META-INF/manifest.xml", with: Array(manifest.utf8))
        // An ELF binary posing as a text file.
        payload.append(BagFile(path: "applications/A-001/notes.txt", bytes: [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0]))
        let path = try Fixture.write(try Fixture.package(keyring: k, payload: payload), into: dir)
        let report = check(path, keys: k.publicKeys)
        #expect(report.outcome(of: .security) == .failed)
        #expect(report.item("security.external")?.files == ["data/decision/qualification-notice/通知.html"])
        #expect(report.item("security.external")?.details.first?.contains("https://example.com/x.png") == true)
        #expect(
            report.item("security.executable")?.files.sorted() == [
                "data/applications/A-001/notes.txt", "data/decision/qualification-notice/通知.odt",
            ])
        #expect(report.item("security.encryption")?.files == ["data/committee/S-2026-01/vote-record.odt"])
    }

    @Test func formatsOffTheListOrNotWhatTheirNameSaysFailUsability() throws {
        let k = try keyring()
        var payload = Fixture.defaultPayload()
        payload.append(BagFile(path: "applications/A-001/dossier/attachments/scan.docx", bytes: Array("PK".utf8)))
        payload.append(BagFile(path: "applications/A-001/dossier/attachments/fake.png", bytes: Array("GIF89a".utf8)))
        let path = try Fixture.write(try Fixture.package(keyring: k, payload: payload), into: dir)
        let report = check(path, keys: k.publicKeys)
        #expect(failed(report) == ["usability.formats"])
        #expect(
            report.item("usability.formats")?.files == [
                "data/applications/A-001/dossier/attachments/fake.png",
                "data/applications/A-001/dossier/attachments/scan.docx",
            ])
    }

    @Test func pdfScriptsAndEncryptionAreFoundButItsLinksAreNotExternalReferences() {
        func pdf(_ body: String) -> [UInt8] { Array("%PDF-1.7\n\(body)\n%%EOF\n".utf8) }
        let linked = ContentInspection.inspect(
            path: "a.pdf", bytes: pdf("<< /Type /Annot /A << /S /URI /URI (https://x.cn) >> >>"))
        #expect(linked.executable == [] && linked.external == [] && linked.encrypted == [])
        let scripted = ContentInspection.inspect(path: "a.pdf", bytes: pdf("<< /S /JavaScript /JS (app.alert(1)) >>"))
        #expect(scripted.executable.count == 2)
        let locked = ContentInspection.inspect(path: "a.pdf", bytes: pdf("trailer << /Encrypt 5 0 R >>"))
        #expect(locked.encrypted.count == 1)
        // "/JSON" is not "/JS".
        #expect(ContentInspection.inspect(path: "a.pdf", bytes: pdf("<< /JSON 1 >>")).executable == [])
    }

    @Test func theOfficesLongTermListIsApplied() throws {
        let k = try keyring()
        let path = try Fixture.write(try Fixture.package(keyring: k), into: dir)
        let narrow = LongTermFormat.list(["ODT", "HTML", "JSON", "XML", "TXT", "PDF"])
        let report = FourPropertyCheck(keys: k.publicKeys, trust: "测试密钥库", formats: narrow).check(
            path: path, occasion: .onDemand, now: fixedNow)
        #expect(failed(report) == ["usability.formats"])
        #expect(report.item("usability.formats")?.files == ["data/applications/A-001/dossier/attachments/photo.png"])
        #expect(report.item("usability.formats")?.details.first?.contains("PNG 不在本单位的长期保存格式清单内") == true)
    }

    @Test func reportsAreWrittenBesideThePackageAndReadBack() throws {
        let k = try keyring()
        let path = try Fixture.write(try Fixture.package(keyring: k), into: dir)
        let report = check(path, keys: k.publicKeys)
        let written = try FourPropertyCheck.writeReports(report, besidePackage: path)
        #expect(written.json.path == dir + "/decision-2026-12.check.json")
        #expect(written.html.path == dir + "/decision-2026-12.check.html")
        let data = try Data(contentsOf: written.json)
        let decoded = try JSONDecoder().decode(FourPropertyReport.self, from: data)
        #expect(decoded == report)
        #expect(FourPropertyCheck.existingReport(besidePackage: path) == report)
        #expect(FourPropertyCheck.existingReport(besidePackage: dir + "/decision-2026-99") == nil)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["format"] as? String == "pingshen-four-property-check/1")
        #expect(json["result"] as? String == "passed")
        #expect(
            (json["properties"] as? [[String: Any]])?.map { $0["name"] as? String } == ["真实性", "完整性", "可用性", "安全性"])
        // The report's own HTML passes the check's HTML inspection.
        let html = Array(try Data(contentsOf: written.html))
        let findings = ContentInspection.inspect(path: "r.html", bytes: html)
        #expect(findings.wellFormedProblems == [] && findings.executable == [] && findings.external == [])
        // Reports are not packages.
        try BagZip.write(
            try Fixture.package(keyring: k), date: Fixture.info().baggingDate, to: dir + "/decision-2026-12.zip")
        #expect(ArchiveFolder.packageNames(in: dir) == ["decision-2026-12", "decision-2026-12.zip"])
        #expect(
            FourPropertyCheck.reportPaths(besidePackage: dir + "/decision-2026-12.zip").json.lastPathComponent
                == "decision-2026-12.zip.check.json")
    }

    @Test func theDatabaseIdentityIsChecked() throws {
        let fixture = try StoreFixture(directory: dir)
        let archiver = DecisionArchiver(
            store: fixture.store, keyring: fixture.keyring, documents: StoreFixture.documents, organization: "焦作市职改办")
        let written = try archiver.write(
            .confirmation(documentNumber: StoreFixture.documentNumber), into: dir + "/archive")
        let checker = FourPropertyCheck(
            keys: fixture.keyring.publicKeys, trust: "测试密钥库", store: fixture.store, requireMetadata: false)
        let report = checker.check(path: written.folder!, occasion: .filing, now: fixedNow)
        #expect(report.item("authenticity.database")?.outcome == .passed)
        // Another office's database does not hold the decision.
        let emptyStore = try EventStore(path: dir + "/empty.sqlite")
        let other = FourPropertyCheck(
            keys: fixture.keyring.publicKeys, trust: "测试密钥库", store: emptyStore, requireMetadata: false
        )
        .check(path: written.folder!, occasion: .filing, now: fixedNow)
        #expect(other.item("authenticity.database")?.outcome == .failed)
    }
}
