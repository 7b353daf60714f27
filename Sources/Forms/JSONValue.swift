import Foundation
@_exported import JSONKit

// The form data is `JSONKit.JSONValue`, the project's one JSON tree; its canonical text
// (RFC 8785) is what the pledge's data digest covers.

extension JSONValue {
    /// Parses JSON text.
    /// - Throws: `FormsError.invalidJSON` with the parser's reason and byte offset.
    public static func parse(_ data: Data) throws(FormsError) -> JSONValue {
        do {
            return try JSONValue(json: data)
        } catch {
            throw .invalidJSON("\(error)")
        }
    }

    public static func parse(_ text: String) throws(FormsError) -> JSONValue { try parse(Data(text.utf8)) }

    /// A number as the form's messages show it (the canonical JSON number: `85`, `0.5`).
    static func format(_ d: Double) -> String { CanonicalJSON.number(d) ?? "null" }
}
