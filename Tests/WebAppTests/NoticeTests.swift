import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow

@testable import WebApp

@Suite("Public notices")
struct NoticeTests {
    /// The applications in notice, with their batch, from the store itself.
    func inNotice(_ f: WebFixture) throws -> [(state: ApplicationState, residentID: ResidentID, name: String)] {
        try f.noticeStore.streamIDs(ApplicationMachine.self, status: ApplicationStage.publicNotice.rawValue).map { id in
            let state = try #require(try f.noticeStore.load(ApplicationMachine.self, id: id)?.state)
            let person = try #require(try f.noticeStore.person(state.profile!.personID))
            return (state, person.residentID, person.name)
        }
    }

    @Test func listsTheBatchWithMaskedIDNumbers() async throws {
        let f = try WebFixture.get()
        let apps = try inNotice(f)
        #expect(apps.count >= 2)
        let notice = try #require(apps.first?.state.notice)
        try await f.withApp(f.configuration(store: f.noticeStore)) { client in
            let r = try await get(client, "/notices")
            #expect(r.status == .ok)
            #expect(r.body.contains("评审结果公示"))
            #expect(r.body.contains(notice.batchID))
            #expect(r.body.contains(notice.start.chinese))
            #expect(r.body.contains(notice.end.chinese))
            #expect(r.body.contains(f.rules.policy.region.objectionContact))
            for app in apps {
                #expect(r.body.contains(app.name))
                #expect(!r.body.contains(app.residentID.value))
                #expect(r.body.contains(app.residentID.masked))
                #expect(r.body.contains(app.state.profile!.series.chinese))
            }
            #expect(try xmllintProblems(r.body) == "")

            let one = try await get(client, "/notices/\(notice.batchID)")
            #expect(one.status == .ok)
            #expect(one.body.contains(apps[0].name))
            #expect(try xmllintProblems(one.body) == "")
        }
    }

    @Test func unknownOrHostileBatchIsA404Page() async throws {
        let f = try WebFixture.get()
        try await f.withApp(f.configuration(store: f.noticeStore)) { client in
            let unknown = try await get(client, "/notices/N1999-R9")
            #expect(unknown.status == .notFound)
            #expect(unknown.body.contains("页面不存在"))
            let hostile = try await get(client, "/notices/\(encoded("<script>alert(1)</script>"))")
            #expect(hostile.status == .notFound)
            #expect(!hostile.body.contains("<script>alert(1)"))
        }
    }

    @Test func noNoticesSaysSo() async throws {
        let f = try WebFixture.get()
        try await f.withApp { client in
            let r = try await get(client, "/notices")
            #expect(r.status == .ok)
            #expect(r.body.contains("目前没有正在公示的评审结果"))
        }
    }
}
