import Forms
import Foundation
import Hummingbird
import Logging
import NIOHTTP1

/// What can go wrong while answering a page, with what the person should be told.
///
/// Every error reaching `ErrorPageMiddleware` becomes one of these (Hummingbird's own
/// `HTTPError`s by status, anything else as `.internal`), so the mapping to a status and a
/// Chinese page lives in one place.
public enum WebError: Error, Sendable, Equatable {
    /// A query parameter or form field is missing or unacceptable: `field` is its Chinese label.
    case badRequest(field: String, message: String)
    case notFound
    case methodNotAllowed
    case tooManyRequests(retryAfter: Int)
    case payloadTooLarge
    /// The page needs a signed-in account.
    case signInRequired
    /// Signed in, but this account's role may not do this (the message says why).
    case forbidden(String)
    /// A form without a valid CSRF token, or posted from another site.
    case staleForm
    /// The workflow or a rule refused the action: nothing was written.
    case refused(rule: String, message: String)
    /// An uploaded file was refused (type, size, empty, unknown field): `field` is the field's
    /// Chinese label, `path` its input name, so the form can show `problem` next to it.
    case uploadRefused(field: String, path: String, message: String)
    /// The server cannot take this now (uploads in flight, disk space): try again after the
    /// seconds given (`Retry-After`); nothing was saved.
    case busy(message: String, retryAfter: Int)
    /// Anything unexpected: logged with details, shown without them.
    case `internal`

    public var status: HTTPResponse.Status {
        switch self {
        case .badRequest: .badRequest
        case .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .tooManyRequests: .tooManyRequests
        case .payloadTooLarge: .contentTooLarge
        case .signInRequired: .unauthorized
        case .forbidden, .staleForm: .forbidden
        case .refused: .conflict
        case .uploadRefused: .unprocessableContent
        case .busy: .serviceUnavailable
        case .internal: .internalServerError
        }
    }

    /// The page heading.
    public var heading: String {
        switch self {
        case .badRequest: "请求有误"
        case .notFound: "页面不存在"
        case .methodNotAllowed: "不支持的操作"
        case .tooManyRequests: "查询过于频繁"
        case .payloadTooLarge: "提交的内容过大"
        case .signInRequired: "请先登录"
        case .forbidden: "无权访问"
        case .staleForm: "表单已失效"
        case .refused: "操作未执行"
        case .uploadRefused: "上传的文件未被接受"
        case .busy: "服务器繁忙"
        case .internal: "系统暂时无法处理您的请求"
        }
    }

    /// The explanation, in Chinese.
    public var message: String {
        switch self {
        case .badRequest(_, let message), .uploadRefused(_, _, let message), .busy(let message, _): message
        case .notFound: "您访问的页面不存在或已被移除，请检查网址，或从首页重新进入。"
        case .methodNotAllowed: "该页面不支持这种请求方式。"
        case .tooManyRequests(let seconds): "您的查询次数过多，请在 \(seconds) 秒后再试。"
        case .payloadTooLarge: "提交的内容超过了允许的大小。"
        case .signInRequired: "该页面需要登录后访问，请先登录。"
        case .forbidden(let why): why
        case .staleForm: "表单已过期或来源不明（防跨站请求伪造校验未通过），请返回上一页、刷新后重新提交。本次操作未保存。"
        case .refused(_, let message): Self.sentence(message) + "本次操作未保存。"
        case .internal: "服务器内部错误，请稍后再试。如问题持续，请联系职改办。"
        }
    }

    /// The rule a refusal names (shown in a `<details>` element, never in the sentence).
    public var rule: String? {
        if case .refused(let rule, _) = self, !rule.isEmpty { return rule }
        return nil
    }

    /// `text` as a Chinese sentence: full-width punctuation, ending in a full stop.
    static func sentence(_ text: String) -> String {
        let wide = ChineseText.fullWidth(text.trimmingCharacters(in: .whitespaces))
        guard let last = wide.last else { return wide }
        return "。！？；".contains(last) ? wide : wide + "。"
    }

    public var field: String? {
        switch self {
        case .badRequest(let field, _), .uploadRefused(let field, _, _): field
        default: nil
        }
    }

    /// An upload refusal as a problem of the form, shown next to the file input.
    public var problem: Problem? {
        guard case .uploadRefused(_, let path, let message) = self else { return nil }
        return Problem(path: path, rule: "upload.refused", message: message)
    }

    /// Maps `error` to the page to show, logging the unexpected ones (with the path) — the
    /// error pages of both middlewares.
    static func logged(_ error: any Error, request: Request, logger: Logger) -> WebError {
        let mapped = from(error)
        if mapped == .internal {
            logger.error("request failed", metadata: ["path": .string(request.uri.path), "error": .string("\(error)")])
        }
        return mapped
    }

    /// Maps any error to the page to show.
    static func from(_ error: any Error) -> WebError {
        if let web = error as? WebError { return web }
        // A request cut off or garbled by the client (a connection closed mid-body, a body
        // too slow): the client's doing, not logged as a server error.
        if error is HTTPParserError { return .badRequest(field: "请求", message: "请求不完整或格式不正确。") }
        if let http = error as? any HTTPResponseError {
            switch http.status {
            case .notFound: return .notFound
            case .methodNotAllowed: return .methodNotAllowed
            case .tooManyRequests: return .tooManyRequests(retryAfter: 60)
            case .contentTooLarge: return .payloadTooLarge
            case .unauthorized: return .signInRequired
            case .forbidden: return .forbidden("您的账户无权进行此操作。")
            case .badRequest: return .badRequest(field: "请求", message: "请求格式不正确。")
            default: return .internal
            }
        }
        return .internal
    }
}
