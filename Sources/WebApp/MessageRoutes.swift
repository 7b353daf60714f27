import Documents
import Domain
import Foundation
import Hummingbird
import Store
import Workflow

extension Pages.Page {
    static let messages = Pages.Page("messages")
}

/// `/messages` (every signed-in role): the account's inbox 站内消息 — the messages the store
/// derived from the events that concern the person, the unit or the expert (`Store/Messages.swift`),
/// newest first, 20 a page, each with the page it is about; one or all marked read. The header
/// shows the unread count (`Identity.unreadMessages`). Office staff have an empty inbox.
struct MessageRoutes {
    let services: WebServices
    static let pageSize = 20

    func add(to router: Router<WebRequestContext>) {
        let group = router.group("/messages").add(middleware: RequireRole(Set(Role.allCases)))
        group.get { request, context in
            let page = request.uri.queryParameters.get("page").flatMap { Int($0) } ?? 1
            return try inbox(context, page: max(1, min(page, 100_000)))
        }
        group.post("read") { request, context in try await markRead(request, context, id: nil) }
        group.post("{id}/read") { request, context in
            guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else { throw WebError.notFound }
            return try await markRead(request, context, id: id)
        }
    }

    func inbox(_ context: WebRequestContext, page: Int) throws -> Response {
        let identity = try context.requireIdentity()
        var items: [TemplateValue] = []
        var total = 0
        var unread = 0
        if let recipient = identity.account.inbox {
            (unread, total) = try services.store.messageCounts(for: recipient)
            items = try services.store.messages(
                for: recipient, limit: Self.pageSize, offset: (page - 1) * Self.pageSize
            ).map { m -> TemplateValue in
                [
                    "id": .string(String(m.id)), "subject": .string(m.subject), "body": .string(m.body),
                    "link": .string(m.link), "when": .string(WebServices.beijingTime(m.createdAt)),
                    "unread": .bool(m.readAt == nil),
                ]
            }
        }
        let pages = max(1, (total + Self.pageSize - 1) / Self.pageSize)
        return try services.pages.response(
            .messages, title: "站内消息",
            data: [
                "messages": .list(items), "hasMessages": .bool(!items.isEmpty), "total": .string(String(total)),
                "unreadCount": .string(String(unread)), "hasUnread": .bool(unread > 0),
                "page": .string(String(page)), "pages": .string(String(pages)),
                "previous": page > 1 ? .string("/messages?page=\(page - 1)") : .null,
                "next": page < pages ? .string("/messages?page=\(page + 1)") : .null,
            ], context: context)
    }

    func markRead(_ request: Request, _ context: WebRequestContext, id: Int64?) async throws -> Response {
        var request = request
        let form = try await request.form()
        let identity = try context.requireIdentity()
        guard let recipient = identity.account.inbox else { return seeOther("/messages") }
        try services.store.markMessagesRead(for: recipient, id: id, now: services.now)
        // "查看" reads the message and goes to its page; a page of this site only.
        if let next = localPath(form["next"]) { return seeOther(next) }
        return seeOther("/messages")
    }
}
