import Documents
import Domain
import Foundation
import Hummingbird
import Workflow

/// The HTML pages: Mustache templates from `web/pages/`, each able to use every other file
/// there as a partial (`{{> header}}`, `{{> footer}}`: the shared layout).
///
/// Templates are compiled once at start. Values are HTML-escaped by the Mustache engine
/// (`& < > " '`); the templates use no raw (`{{{ }}}`) interpolation.
public struct Pages: Sendable {
    let templates: [String: MustacheTemplate]
    /// Site-wide values every page gets as `site`.
    let site: TemplateValue
    /// The header names a county account's scope (`StaffScope`) with the county's name.
    let policy: Policy

    /// Loads `*.html` from `directory`. `banner`: shown at the top of every page (`site.banner`:
    /// a training/test installation's warning).
    /// - Throws: `WebSetupError` when the folder or a template cannot be read or parsed.
    public init(directory: String, policy: Policy, banner: String? = nil) throws {
        let url = URL(fileURLWithPath: directory, isDirectory: true)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: url.path).filter { $0.hasSuffix(".html") }
        } catch {
            throw WebSetupError("无法读取页面模板目录 \(directory)")
        }
        var sources: [String: String] = [:]
        for file in names {
            guard let data = FileManager.default.contents(atPath: url.appendingPathComponent(file).path) else {
                throw WebSetupError("无法读取页面模板 \(file)")
            }
            sources[String(file.dropLast(".html".count))] = String(decoding: data, as: UTF8.self)
        }
        var compiled: [String: MustacheTemplate] = [:]
        for (name, source) in sources {
            do {
                compiled[name] = try MustacheTemplate(source: source, name: name + ".html", partials: sources)
            } catch {
                throw WebSetupError("页面模板 \(name).html 有误：\(error)")
            }
        }
        for required in Page.allCases where compiled[required.rawValue] == nil {
            throw WebSetupError("缺少页面模板 \(required.rawValue).html（目录 \(directory)）")
        }
        templates = compiled
        self.policy = policy
        let region = policy.region
        site = [
            "name": .string(region.name), "authority": .string(region.authority), "office": .string(region.office),
            "objectionContact": .string(region.objectionContact),
            "banner": banner.map { .string($0) } ?? .null,
        ]
    }

    /// A page template by name (`web/pages/<name>.html`). Each part of the site declares its
    /// pages in an extension (`static let login = Page("login")`).
    struct Page: Sendable, Hashable {
        let rawValue: String
        init(_ name: String) { rawValue = name }
        /// The pages the site cannot start without.
        static let allCases: [Page] = [.home, .error, .notices, .verifyForm, .verifyResult]
        static let home = Page("home")
        static let error = Page("error")
        static let notices = Page("notices")
        static let verifyForm = Page("verify-form")
        static let verifyResult = Page("verify-result")
    }

    /// Renders `page` with `data` (an object; `site`, `title` and, for a request, `viewer`
    /// — who is signed in, their home and the CSRF token every form carries — are added).
    func render(
        _ page: Page, title: String, data: [String: TemplateValue] = [:], context: WebRequestContext? = nil
    ) throws -> String {
        var values = data
        values["site"] = site
        values["title"] = .string(title)
        values["viewer"] = .null
        if let context {
            values["csrf"] = .string(context.csrfToken)
            if let identity = context.identity {
                values["viewer"] = [
                    "name": .string(identity.account.displayName), "username": .string(identity.account.username),
                    "role": .string(identity.account.role.chinese), "home": .string(homePath(for: identity.account.role)),
                    "scope": StaffScope(identity.account).jurisdiction.map { .string(Routing.chinese($0, policy: policy)) } ?? .null,
                    "unread": identity.unreadMessages > 0 ? .string(String(identity.unreadMessages)) : .null,
                    "areas": .list(areaList(identity, path: context.path)),
                ]
            }
        }
        guard let template = templates[page.rawValue] else { throw WebError.internal }
        return try template.render(.object(values))
    }

    /// The header's navigation for `identity`: its role's areas, the one `path` is in marked.
    func areaList(_ identity: Identity, path: String) -> [TemplateValue] {
        let areas = roleAreas(identity.account.role, administersUnit: identity.administersUnit)
        let current = RoleArea.current(areas, path: path)
        return areas.indices.map { i in
            ["label": .string(areas[i].label), "href": .string(areas[i].href), "current": .bool(i == current)]
        }
    }

    /// A `text/html; charset=utf-8` response with the rendered page.
    func response(
        _ page: Page, title: String, data: [String: TemplateValue] = [:], context: WebRequestContext? = nil,
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        Self.html(try render(page, title: title, data: data, context: context), status: status)
    }

    /// The page for an error (never throws: falls back to a fixed page).
    /// - Parameters:
    ///   - context: the request's, when known: the header shows who is signed in.
    ///   - backTo: a local page to go back to (the one the refused form was on).
    func errorResponse(_ error: WebError, context: WebRequestContext? = nil, backTo: String? = nil) -> Response {
        let back: (String, String) =
            if let backTo, error != .signInRequired {
                (backTo, "返回上一页")
            } else {
                switch error {
                case .badRequest, .tooManyRequests: ("/verify", "返回证书查验")
                case .signInRequired: ("/login", "登录")
                default: ("/", "返回首页")
                }
            }
        let body: String
        do {
            body = try render(
                .error, title: error.heading,
                data: [
                    "heading": .string(error.heading), "message": .string(ChineseText.fullWidth(error.message)),
                    "rule": error.rule.map { .string($0) } ?? .null,
                    "field": error.field.map { .string($0) } ?? .null, "back": .string(back.0),
                    "backLabel": .string(back.1),
                ], context: context)
        } catch {
            body = Self.fallbackErrorPage
        }
        var response = Self.html(body, status: error.status)
        if case .tooManyRequests(let seconds) = error {
            response.headers[.retryAfter] = String(seconds)
        }
        if case .busy(_, let seconds) = error {
            response.headers[.retryAfter] = String(seconds)
        }
        return response
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var buffer = ByteBuffer()
        buffer.writeString(text)
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: buffer))
    }

    static let fallbackErrorPage = """
        <!DOCTYPE html>
        <html xmlns="http://www.w3.org/1999/xhtml" lang="zh-CN" xml:lang="zh-CN"><head><meta charset="utf-8" />\
        <title>系统错误</title></head><body><h1>系统暂时无法处理您的请求</h1><p>请稍后再试。</p>\
        <p><a href="/">返回首页</a></p></body></html>
        """
}

/// A problem found while setting the application up (missing templates, unreadable folders).
public struct WebSetupError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One of a role's main areas in the header's navigation.
struct RoleArea: Equatable {
    let label: String
    let href: String
    /// Further path prefixes under this area (besides `href`'s own).
    var under: [String] = []

    /// How long a prefix of `path` this area claims (its page or one below it), nil: none.
    func match(_ path: String) -> Int? {
        ([href] + under).filter { path == $0 || path.hasPrefix($0 + "/") }.map(\.count).max()
    }

    /// Which of `areas` `path` is in: the one claiming the longest prefix (/office/notice is
    /// 公示's, not 申报受理's /office).
    static func current(_ areas: [RoleArea], path: String) -> Int? {
        areas.indices.compactMap { i in areas[i].match(path).map { (i, $0) } }.max { $0.1 < $1.1 }?.0
    }
}

/// The main areas of each role, the header's navigation for the signed-in account (built on
/// the server from the role, no script). A unit's HR administrator also manages its accounts.
func roleAreas(_ role: Role, administersUnit: Bool = false) -> [RoleArea] {
    switch role {
    case .applicant: [RoleArea(label: "我的申报", href: "/apply")]
    case .unitHR:
        [RoleArea(label: "待办申报", href: "/unit")]
            + (administersUnit ? [RoleArea(label: "人员管理", href: "/unit/staff")] : [])
    case .officeClerk, .officeHead:
        [
            RoleArea(label: "申报受理", href: "/office", under: ["/office/applications"]),
            RoleArea(label: "公示", href: "/office/notice", under: ["/office/objections"]),
            RoleArea(label: "确认与发证", href: "/office/confirm", under: ["/office/certificates"]),
            RoleArea(label: "事后核查", href: "/office/checks", under: ["/office/records"]),
        ] + (role == .officeHead ? [RoleArea(label: "档案管理", href: "/archive")] : [])
    case .committeeSecretary: [RoleArea(label: "评审会议", href: "/committee")]
    case .expert: [RoleArea(label: "我的评审", href: "/expert")]
    case .auditor: [RoleArea(label: "审计", href: "/audit")]
    case .archivist: [RoleArea(label: "档案管理", href: "/archive")]
    case .administrator: [RoleArea(label: "系统管理", href: "/admin")]
    case .public, .system: []
    }
}
