import Domain
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow
import ZipKit

@testable import Store
@testable import WebApp

/// The office console: queues, qualification review, notice batches, objections, confirmation,
/// certificate batches, post-hoc checks and records.
@Suite struct OfficeConsoleTests {
    @Test func queuesByStatusWithCounts() async throws {
        let s = try await ConsoleScenario.make(applications: 2)
        try s.drive("A-1", to: .qualificationReview)
        try s.drive("B-1", to: .accepted)
        try await s.withApp { client in
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            let home = try await clerk.get("/office")
            #expect(home.status == .ok)
            #expect(home.body.contains("资格审核 1"))
            #expect(home.body.contains("单位审核 2"))
            #expect(home.body.contains("已受理待评审 1"))
            #expect(home.body.contains("/office/applications/A-1"))
            #expect(try xmllintProblems(home.body) == "")
            let accepted = try await clerk.get("/office?status=accepted")
            #expect(accepted.body.contains("B-1") && !accepted.body.contains("/office/applications/A-1\""))
            var hr = TestBrowser(client)
            try await hr.signIn("hr1")
            #expect(try await hr.get("/office").status == .forbidden)
            #expect(try await hr.get("/office/applications/A-1").status == .forbidden)
        }
    }

    @Test func acceptIssuesTheNoticeWhichDownloads() async throws {
        let s = try await ConsoleScenario.make()
        try s.drive("A-1", to: .qualificationReview)
        try await s.withApp { client in
            var head = TestBrowser(client)
            try await head.signIn("head")
            let byHead = try await head.submit("/office/applications/A-1", "/office/applications/A-1/accept", [("confirm", "yes")])
            #expect(byHead.status == .conflict)  // the machine: clerks accept
            #expect(byHead.body.contains("只能由"))

            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            let page = try await clerk.get("/office/applications/A-1")
            #expect(try xmllintProblems(page.body) == "")
            #expect(page.body.contains("补正期限："))
            let missing = try await clerk.post("/office/applications/A-1/accept", [], withToken: false)
            #expect(missing.status == .forbidden)
            let version = try #require(try s.store.load(ApplicationMachine.self, id: "A-1")).version
            let asked = try await clerk.post("/office/applications/A-1/accept", [("version", "\(version)")])
            #expect(asked.status == .ok)
            #expect(asked.body.contains("确认受理申报 A-1"))
            #expect(asked.body.contains("name=\"confirm\" value=\"yes\""))
            #expect(try xmllintProblems(asked.body) == "")
            #expect(try s.state("A-1").stage == .qualificationReview, "nothing happens before 确认")
            let done = try await clerk.post("/office/applications/A-1/accept", [("confirm", "yes")])
            #expect(done.status == .seeOther)
            #expect(try s.state("A-1").stage == .accepted)
            let after = try await clerk.get("/office/applications/A-1")
            #expect(after.body.contains("受理通知书"))
            let again = try await clerk.post("/office/applications/A-1/accept", [("confirm", "yes")])
            #expect(again.status == .conflict)

            let rendered = try s.store.read { db in
                try Int64.fetchAll(
                    db, sql: "SELECT id FROM documents WHERE kind = 'acceptance-notice' AND status = 'rendered'")
            }
            let link = "/documents/\(try #require(rendered.first)).odt"
            #expect(after.body.contains(link))
            let odt = try await clerk.get(link)
            #expect(odt.status == .ok)
            #expect(odt.headers[.contentType] == "application/vnd.oasis.opendocument.text")
            let disposition = try #require(odt.headers[.contentDisposition])
            #expect(disposition.hasPrefix("attachment;"))
            #expect(disposition.contains("filename*=UTF-8''%E5%8F%97%E7%90%86"))  // 受理
            #expect(odt.body.utf8.starts(with: Array("PK".utf8)))
            let html = try await clerk.get(link.replacingOccurrences(of: ".odt", with: ".html"))
            #expect(html.status == .ok)
            #expect(html.headers[.contentType] == "text/html; charset=utf-8")
            #expect(html.body.contains("受理"))
        }
    }

    @Test func correctionListsItemsWithThePolicyDeadline() async throws {
        let s = try await ConsoleScenario.make()
        try s.drive("A-1", to: .qualificationReview)
        try await s.withApp { client in
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            let page = try await clerk.get("/office/applications/A-1")
            #expect(page.body.contains(#"form="correction-form" name="field""#), "checkboxes beside the fields")
            let empty = try await clerk.post("/office/applications/A-1/correction", [("other", "")])
            #expect(empty.status == .conflict)
            #expect(empty.body.contains("不能为空"))
            let done = try await clerk.submit(
                "/office/applications/A-1", "/office/applications/A-1/correction",
                [("field", "photo"), ("field", "current_title_date"), ("field", "no_such_field"), ("other", "单位推荐意见须加盖公章")])
            #expect(done.status == .seeOther)
            let state = try s.state("A-1")
            #expect(state.stage == .correction)
            // The ticked fields by their labels in form order (attachments marked), unknown ids dropped.
            #expect(state.correction?.items == ["现职称取得时间", "附件：近期免冠照片", "单位推荐意见须加盖公章"])
            #expect(state.correction?.fields == ["current_title_date", "photo"])
            let deadline = try s.workingDays(s.rules.policy.correctionAnswerWorkingDays, after: s.now.today)
            #expect(state.correction?.deadline == deadline)
            let after = try await clerk.get("/office/applications/A-1")
            #expect(after.body.contains("补正期限"))
            #expect(after.body.contains(deadline.chinese))
            #expect(after.body.contains("补正材料通知书"))
            #expect(try xmllintProblems(after.body) == "")
        }
    }

    @Test func refuseNeedsReasonsAndIssuesTheNotice() async throws {
        let s = try await ConsoleScenario.make()
        try s.drive("A-1", to: .qualificationReview)
        try await s.withApp { client in
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            let blank = try await clerk.submit(
                "/office/applications/A-1", "/office/applications/A-1/refuse", [("reasons", "\n ")])
            #expect(blank.status == .conflict)
            let done = try await clerk.submit(
                "/office/applications/A-1", "/office/applications/A-1/refuse",
                [("reasons", "任职年限不足\n未取得中级职称所需学历")])
            #expect(done.status == .seeOther)
            #expect(try s.state("A-1").refusalReasons == ["任职年限不足", "未取得中级职称所需学历"])
            #expect(try await clerk.get("/office/applications/A-1").body.contains("不予受理通知书"))
        }
    }

    @Test func reexaminationIsDecidedByTheHead() async throws {
        let s = try await ConsoleScenario.make()
        try s.drive("A-1", to: .qualificationReview)
        try s.execute("A-1", .refuse(reasons: ["任职年限不足"]), as: ConsoleScenario.clerk, at: s.now.now)
        try s.execute(
            "A-1", .requestReexamination(reason: "任职年限计算有误"),
            as: Actor(id: "applicant-P-A-1", role: .applicant, personID: "P-A-1"), at: s.now.now)
        try await s.withApp { client in
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            let page = try await clerk.get("/office/applications/A-1")
            #expect(page.body.contains("任职年限计算有误"))
            #expect(!page.body.contains("value=\"back-to-committee\""))  // not for a refusal
            #expect(try xmllintProblems(page.body) == "")
            let byClerk = try await clerk.post(
                "/office/applications/A-1/reexamine", [("outcome", "back-to-qualification-review"), ("finding", "x")])
            #expect(byClerk.status == .conflict)
            var head = TestBrowser(client)
            try await head.signIn("head")
            let done = try await head.submit(
                "/office/applications/A-1", "/office/applications/A-1/reexamine",
                [("outcome", "back-to-qualification-review"), ("finding", "经核实任职年限符合条件")])
            #expect(done.status == .seeOther)
            #expect(try s.state("A-1").stage == .qualificationReview)
            #expect(try await head.get("/office/applications/A-1").body.contains("复查决定书"))
        }
    }

    @Test func noticeBatchObjectionsAndConfirmationWithAGapFreeNumber() async throws {
        let s = try await ConsoleScenario.make(applications: 2)
        for id in ["A-1", "A-2", "B-1"] { try s.drive(id, to: .passed) }
        try await s.withApp { client in
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            let form = try await clerk.get("/office/notice")
            #expect(try xmllintProblems(form.body) == "")
            #expect(form.body.contains("A-1") && form.body.contains("B-1"))
            let today = s.now.today
            let started = try await clerk.post(
                "/office/notice",
                [("id", "A-1"), ("id", "A-2"), ("id", "B-1"), ("batch", "N2026-07"), ("start", today.description)])
            #expect(started.status == .seeOther)
            for id in ["A-1", "A-2", "B-1"] { #expect(try s.state(id).stage == .publicNotice) }
            let batch = try await clerk.get(started.location!)
            #expect(batch.body.contains("公示批次 N2026-07 已开始"))
            #expect(batch.body.contains("评审结果公示"))
            let notices = try s.store.read { db in
                try Row.fetchAll(db, sql: "SELECT id, status FROM documents WHERE kind = 'public-notice'")
            }
            #expect(notices.count == 3)
            #expect(notices.allSatisfy { $0["status"] == "rendered" }, "\(notices)")
            #expect(Self.link(in: batch.body, ending: ".html") != nil)

            // An objection: recorded by the clerk, upheld only by the head, dismissed by the clerk.
            let raised = try await clerk.submit(
                "/office/applications/A-2", "/office/applications/A-2/objection", [("summary", "署名争议")])
            #expect(raised.status == .seeOther)
            #expect(try s.state("A-2").stage == .investigation)
            let upheldByClerk = try await clerk.submit(
                "/office/applications/A-2", "/office/applications/A-2/resolve",
                [("objection", "O-A-2-1"), ("finding", "属实"), ("outcome", "uphold")])
            #expect(upheldByClerk.status == .conflict)
            let dismissed = try await clerk.submit(
                "/office/applications/A-2", "/office/applications/A-2/resolve",
                [("objection", "O-A-2-1"), ("finding", "署名无误"), ("outcome", "dismiss")])
            #expect(dismissed.status == .seeOther)
            #expect(try s.state("A-2").stage == .publicNotice)
            _ = try await clerk.submit(
                "/office/applications/B-1", "/office/applications/B-1/objection", [("summary", "代表作系他人成果")])
            var head = TestBrowser(client)
            try await head.signIn("head")
            let upheld = try await head.submit(
                "/office/applications/B-1", "/office/applications/B-1/resolve",
                [("objection", "O-B-1-1"), ("finding", "经调查属实"), ("outcome", "uphold")])
            #expect(upheld.status == .seeOther)
            #expect(try s.state("B-1").stage == .failed)

            // The notice ends after its working days.
            let early = try await clerk.submit(
                "/office/applications/A-1", "/office/applications/A-1/conclude", [])
            #expect(early.status == .conflict)
            #expect(early.body.contains("期满后方可结束公示"))
            s.now.set(try s.state("A-1").notice!.end.adding(days: 1))
            for id in ["A-1", "A-2"] {
                let r = try await clerk.submit("/office/applications/\(id)", "/office/applications/\(id)/conclude", [])
                #expect(r.status == .seeOther)
            }

            // Confirmation: head only, one 文号 from the counter for the batch.
            let confirmPage = try await clerk.get("/office/confirm")
            #expect(try xmllintProblems(confirmPage.body) == "")
            let byClerk = try await clerk.post("/office/confirm", [("id", "A-1"), ("id", "A-2")])
            #expect(byClerk.status == .conflict)
            #expect(try s.state("A-1").stage == .awaitingConfirmation)
            _ = try await head.get("/office/confirm")
            let confirmed = try await head.post("/office/confirm", [("id", "A-1"), ("id", "A-2")])
            #expect(confirmed.status == .seeOther)
            let number = DocumentNumber.format(policy: s.rules.policy, year: 2026, sequence: 1)
            #expect(try s.state("A-1").documentNumber == number)
            #expect(try s.state("A-2").documentNumber == number)
            let after = try await head.get(confirmed.location!)
            #expect(after.body.contains(number))
            #expect(after.body.contains("取得资格通知"))
            #expect(try xmllintProblems(after.body) == "")
        }
    }

    @Test func certificateBatchRunsToTheEndWithGapFreeNumbers() async throws {
        let s = try await ConsoleScenario.make(applications: 3)
        for id in ["A-1", "A-2", "A-3", "B-1"] { try s.drive(id, to: .confirmed) }
        try await s.withApp { client in
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            let list = try await clerk.get("/office/certificates")
            #expect(list.body.contains("0/4"))
            #expect(try xmllintProblems(list.body) == "")
            let started = try await clerk.post("/office/certificates", [("number", "测试〔2026〕1号")])
            #expect(started.status == .seeOther)
            var page = try await clerk.get(started.location!)
            for _ in 0..<600 where !page.body.contains("本批证书已全部颁发") {
                // No timed refresh (WCAG 2.2.1, axe's meta-refresh): a link reloads the progress.
                #expect(page.body.contains("id=\"refresh-progress\"") || page.body.contains("4</strong>"))
                #expect(!page.body.contains("http-equiv=\"refresh\""))
                try await Task.sleep(for: .milliseconds(50))
                page = try await clerk.get(started.location!)
            }
            #expect(page.body.contains("<strong class=\"done\">4</strong>"))
            #expect(!page.body.contains("id=\"refresh-progress\""))
            #expect(try xmllintProblems(page.body) == "")
            let numbers = try ["A-1", "A-2", "A-3", "B-1"].map { try #require(try s.state($0).certificateNumber) }
            let year = s.now.today.year
            #expect(
                numbers
                    == (1...4).map {
                        CertificateNumber.format(
                            policy: s.rules.policy, year: year, series: .engineering, level: .intermediate, sequence: $0)
                    })
            for n in numbers {
                let cert = try #require(try s.store.load(CertificateMachine.self, id: n)?.state)
                #expect(cert.status == .valid)
                #expect(cert.details?.verificationCode.count == 10)
            }
            // The run's page lists its certificates (CertificateRunTests: paged and searched).
            #expect(Set(CertificatePage(page.body).rows.map { $0[0] }) == Set(numbers))
            // Nothing left: starting again is a 404, the list says all are issued.
            #expect(try await clerk.post("/office/certificates", [("number", "测试〔2026〕1号")]).status == .notFound)
            #expect(try await clerk.get("/office/certificates").body.contains("4/4"))
            let archived = try await clerk.submit("/office/applications/A-1", "/office/applications/A-1/archive", [])
            #expect(archived.status == .seeOther)
            #expect(try s.state("A-1").stage == .archived)
        }
    }

    @Test func aRefusedCertificateStopsTheRunAndSaysWhy() async throws {
        let s = try await ConsoleScenario.make()
        try s.drive("A-1", to: .confirmed)
        try await s.withApp { client in
            var head = TestBrowser(client)
            try await head.signIn("head")
            // The head may issue the certificate, but recording it on the application is the clerk's.
            let started = try await head.submit(
                "/office/certificates", "/office/certificates", [("number", "测试〔2026〕1号")])
            var page = try await head.get(started.location!)
            for _ in 0..<600 where !page.body.contains("颁发中止") {
                try await Task.sleep(for: .milliseconds(50))
                page = try await head.get(started.location!)
            }
            #expect(page.body.contains("颁发中止"))
            #expect(page.body.contains("只能由"))
            #expect(page.body.contains("继续颁发"))
            #expect(try s.state("A-1").certificateNumber == nil)
            let counter = try s.store.read { db in
                try Int.fetchOne(db, sql: "SELECT value FROM sequences WHERE name = ?", arguments: ["certificate-2026"])
            }
            #expect(counter == nil)  // the refused transaction took no number
            #expect(try xmllintProblems(page.body) == "")
        }
    }

    /// 批量受理: the list with each application's eligibility, a confirmation page, then each
    /// accepted in its own transaction; nothing is accepted without the confirmation.
    @Test func acceptAListAfterAConfirmation() async throws {
        let s = try await ConsoleScenario.make(applications: 2)
        for id in ["A-1", "A-2"] { try s.drive(id, to: .qualificationReview) }
        try await s.withApp { client in
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            let list = try await clerk.get("/office/accept")
            #expect(list.status == .ok)
            #expect(list.body.contains("value=\"A-1\"") && list.body.contains("value=\"A-2\""))
            #expect(!list.body.contains("checked"))  // nothing ticked for the clerk
            #expect(try xmllintProblems(list.body) == "")
            let asked = try await clerk.post("/office/accept", [("id", "A-1"), ("id", "A-2")])
            #expect(asked.status == .ok)
            #expect(asked.body.contains("确认受理所选的2件申报"))
            #expect(try s.state("A-1").stage == .qualificationReview)
            let done = try await clerk.post("/office/accept", [("id", "A-1"), ("id", "A-2"), ("confirm", "yes")])
            #expect(done.status == .ok)
            #expect(done.body.contains("受理结果：2 件已受理，0 件未受理"), "\(done.body)")
            #expect(try s.state("A-1").stage == .accepted)
            #expect(try s.state("A-2").stage == .accepted)
            #expect(try xmllintProblems(done.body) == "")
            let again = try await clerk.post("/office/accept", [("id", "A-1"), ("confirm", "yes")])
            #expect(again.body.contains("0 件已受理，1 件未受理"))
        }
    }

    @Test func anInterruptedCertificateRunResumesWhereItStopped() async throws {
        let s = try await ConsoleScenario.make(applications: 2)
        for id in ["A-1", "A-2"] { try s.drive(id, to: .confirmed) }
        // A run that stopped after its first certificate (a restart): the store is the record.
        let services = try WebServices(configuration: s.configuration, pages: try Pages(
            directory: s.configuration.pagesDirectory, policy: s.rules.policy))
        try await CertificateRuns.issue(
            "A-1", signer: try #require(services.signer), services: services, actor: ConsoleScenario.clerk)
        try await s.withApp { client in
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            let number = "测试〔2026〕1号"
            let run = "/office/certificates/run?number=" + TestBrowser.encode(number)
            let stopped = try await clerk.get(run)
            #expect(stopped.body.contains("<strong class=\"done\">1</strong>"))
            #expect(stopped.body.contains("继续颁发"))
            #expect(!stopped.body.contains("id=\"refresh-progress\""))
            let resumed = try await clerk.post("/office/certificates", [("number", number)])
            #expect(resumed.status == .seeOther)
            for _ in 0..<600 where try s.state("A-2").certificateNumber == nil {
                try await Task.sleep(for: .milliseconds(50))
            }
            let year = s.now.today.year
            #expect(
                try ["A-1", "A-2"].map { try s.state($0).certificateNumber }
                    == (1...2).map {
                        CertificateNumber.format(
                            policy: s.rules.policy, year: year, series: .engineering, level: .intermediate, sequence: $0)
                    })
            // The run as one zip to print: each certificate as ODT and HTML, named by its number.
            let numbers = try ["A-1", "A-2"].map { try #require(try s.state($0).certificateNumber) }
            for _ in 0..<600 {
                // Each certificate's own document (its application's request renders the same file).
                let rendered = try s.store.documents(kind: .certificate)
                    .filter { $0.streamKind == CertificateMachine.kind && $0.isRendered }.count
                if rendered >= 2 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let download = try await clerk.get("/office/certificates/download?number=" + TestBrowser.encode(number))
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "application/zip")
            let zip = try ZipReader(bytes: download.bytes)
            let names = (0..<zip.count).map { zip.name($0) }.sorted()
            #expect(names == numbers.flatMap { ["证书-2026-1/\($0).html", "证书-2026-1/\($0).odt"] }.sorted(), "\(names)")
            let htmlIndex = try #require((0..<zip.count).first { zip.name($0).hasSuffix(".html") })
            let html = String(decoding: try zip.read(htmlIndex), as: UTF8.self)
            #expect(html.contains(numbers[0]) || html.contains(numbers[1]))
            #expect(try await clerk.get("/office/certificates/download?number=" + TestBrowser.encode("测试〔2026〕9号")).status == .notFound)
        }
    }

    @Test func falsifiedCheckRevokesRecordsAndSuspendsInOneGo() async throws {
        let s = try await ConsoleScenario.make(applications: 2)
        for id in ["A-1", "A-2"] { try s.drive(id, to: .confirmed) }
        try await s.withApp { client in
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            let started = try await clerk.submit("/office/certificates", "/office/certificates", [("number", "测试〔2026〕1号")])
            #expect(started.status == .seeOther)
            for _ in 0..<600 where try s.state("A-2").certificateNumber == nil {
                try await Task.sleep(for: .milliseconds(50))
            }
            let certificate = try #require(try s.state("A-1").certificateNumber)
            let opened = try await clerk.submit(
                "/office/applications/A-1", "/office/applications/A-1/check", [("reason", "群众举报任职年限证明不实")])
            #expect(opened.status == .seeOther)
            let checkPath = try #require(opened.location)
            let page = try await clerk.get(checkPath)
            #expect(page.status == .ok)
            #expect(!page.body.contains("/falsify"))  // the head decides
            #expect(try xmllintProblems(page.body) == "")
            let byClerk = try await clerk.post(checkPath + "/falsify", [("proof", "任职年限证明"), ("details", "不符")])
            #expect(byClerk.status == .conflict)

            var head = TestBrowser(client)
            try await head.signIn("head")
            let done = try await head.submit(
                checkPath, checkPath + "/falsify",
                [("proof", "任职年限证明"), ("details", "单位出具的证明与社保记录不符"), ("by_unit", "yes")])
            #expect(done.status == .seeOther)
            let cert = try #require(try s.store.load(CertificateMachine.self, id: certificate)?.state)
            #expect(cert.status == .revoked)
            let revocation = DocumentNumber.format(policy: s.rules.policy, year: 2026, sequence: 1)
            #expect(cert.revocation?.decisionNumber == revocation)
            #expect(try s.store.load(PersonIntegrityMachine.self, id: "P-A-1")?.state.status == .recorded)
            #expect(try s.store.load(UnitStandingMachine.self, id: "U-1")?.state.status == .suspended)
            // All four streams changed in one transaction: the same recorded_at on each.
            let times = try s.store.read { db in
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT DISTINCT recorded_at FROM events WHERE type IN ('falsified', 'revoked', 'recorded', 'suspended')
                        """)
            }
            #expect(times.count == 1)
            let after = try await head.get(checkPath)
            #expect(after.body.contains("撤销决定书"))
            #expect(after.body.contains(revocation))
            #expect(try xmllintProblems(after.body) == "")
            let records = try await head.get("/office/records")
            #expect(records.body.contains("张") && records.body.contains("焦作精密机械有限公司"))
            #expect(try xmllintProblems(records.body) == "")
            let application = try await head.get("/office/applications/A-1")
            #expect(application.body.contains("已撤销"))

            // Sampling: the one remaining valid certificate, drawn at 100 %.
            let checks = try await clerk.get("/office/checks")
            #expect(checks.body.contains("可抽查的已发证申报 1 件"))
            let sampled = try await clerk.post("/office/checks/sample", [("percent", "100"), ("seed", "7")])
            #expect(sampled.status == .seeOther)
            let list = try await clerk.get(sampled.location!)
            #expect(list.body.contains("已抽取 1 件"))
            #expect(list.body.contains("A-2"))
            #expect(try xmllintProblems(list.body) == "")
            // The sampled check is confirmed by the clerk.
            let sampledCheck = try #require(
                try s.store.streamIDs(PostHocCheckMachine.self).first {
                    try s.store.load(PostHocCheckMachine.self, id: $0)?.state.subject?.applicationID == "A-2"
                })
            let confirmed = try await clerk.submit(
                "/office/checks/\(sampledCheck)", "/office/checks/\(sampledCheck)/confirm", [("note", "学历经网上核验属实")])
            #expect(confirmed.status == .seeOther)
            #expect(try s.store.load(PostHocCheckMachine.self, id: sampledCheck)?.state.stage == .confirmed)
        }
    }

    @Test func aRefusedConsequenceLeavesNothingWritten() async throws {
        let s = try await ConsoleScenario.make()
        try s.drive("A-1", to: .confirmed)
        try await s.withApp { client in
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            _ = try await clerk.submit("/office/certificates", "/office/certificates", [("number", "测试〔2026〕1号")])
            for _ in 0..<600 where try s.state("A-1").certificateNumber == nil {
                try await Task.sleep(for: .milliseconds(50))
            }
            let opened = try await clerk.submit(
                "/office/applications/A-1", "/office/applications/A-1/check", [("reason", "举报")])
            let checkPath = try #require(opened.location)
            var head = TestBrowser(client)
            try await head.signIn("head")
            _ = try await head.submit(
                "/office/applications/A-1", "/office/applications/A-1/revoke",
                [("reason", "另案撤销"), ("decision", "焦职改〔2026〕50号")])
            // The certificate is revoked already: the falsification's revocation is refused,
            // so neither the finding, nor the integrity record, nor a 文号 is written.
            let refused = try await head.submit(
                checkPath, checkPath + "/falsify", [("proof", "学历证书"), ("details", "伪造"), ("by_unit", "yes")])
            #expect(refused.status == .conflict)
            #expect(refused.body.contains("不能重复撤销"))
            let checkID = String(checkPath.split(separator: "/").last!)
            #expect(try s.store.load(PostHocCheckMachine.self, id: checkID)?.state.stage == .open)
            #expect(try s.store.load(PersonIntegrityMachine.self, id: "P-A-1") == nil)
            #expect(try s.store.load(UnitStandingMachine.self, id: "U-1") == nil)
            let counter = try s.store.read { db in
                try Int.fetchOne(db, sql: "SELECT value FROM sequences WHERE name = ?", arguments: ["document-2026"])
            }
            #expect(counter == nil)
        }
    }

    @Test func revokeByHeadWithReasonAndNumber() async throws {
        let s = try await ConsoleScenario.make()
        try s.drive("A-1", to: .confirmed)
        try await s.withApp { client in
            var clerk = TestBrowser(client)
            try await clerk.signIn("clerk")
            _ = try await clerk.submit("/office/certificates", "/office/certificates", [("number", "测试〔2026〕1号")])
            for _ in 0..<600 where try s.state("A-1").certificateNumber == nil {
                try await Task.sleep(for: .milliseconds(50))
            }
            let number = try #require(try s.state("A-1").certificateNumber)
            let byClerk = try await clerk.submit(
                "/office/applications/A-1", "/office/applications/A-1/revoke", [("reason", "x"), ("decision", "")])
            #expect(byClerk.status == .conflict)
            var head = TestBrowser(client)
            try await head.signIn("head")
            let done = try await head.submit(
                "/office/applications/A-1", "/office/applications/A-1/revoke",
                [("reason", "以欺骗手段取得"), ("decision", "焦职改〔2026〕99号")])
            #expect(done.status == .seeOther)
            let cert = try #require(try s.store.load(CertificateMachine.self, id: number)?.state)
            #expect(cert.revocation?.decisionNumber == "焦职改〔2026〕99号")
            let twice = try await head.submit(
                "/office/applications/A-1", "/office/applications/A-1/revoke", [("reason", "再次"), ("decision", "")])
            #expect(twice.status == .notFound || twice.status == .conflict)
        }
    }

    /// The first `href` in `body` ending with `suffix`.
    static func link(in body: String, ending suffix: String) -> String? {
        var rest = body[...]
        while let range = rest.range(of: "href=\"") {
            let tail = rest[range.upperBound...]
            guard let end = tail.firstIndex(of: "\"") else { return nil }
            let href = String(tail[..<end])
            if href.hasSuffix(suffix) { return href }
            rest = tail[end...]
        }
        return nil
    }
}
