import GRDB
import GRDBSQLite

/// A value bound by `Statement.run(_:)`.
enum SQLValue {
    case text(String)
    case integer(Int)
}

extension Statement {
    /// Binds and steps a cached INSERT/UPDATE directly through SQLite's C API.
    ///
    /// The hot path of every transition (event insert, projection update) spends a tenth of its
    /// time in GRDB's general-purpose argument binding; this is the same work without the
    /// boxing. Only for statements that return no rows, inside a GRDB-managed transaction.
    func run(_ values: [SQLValue]) throws {
        let s = try bindFresh(values)
        let step = sqlite3_step(s)
        sqlite3_reset(s)
        guard step == SQLITE_DONE else { throw Self.error(step, s) }
    }

    /// Steps a cached single-row query bound with text values and reads the first columns as
    /// (integer, text) — the projection head of a stream — or nil when no row.
    func headRow(_ values: [String]) throws -> (Int, String)? {
        let s = try bindFresh(values.map(SQLValue.text))
        defer { sqlite3_reset(s) }
        switch sqlite3_step(s) {
        case SQLITE_ROW:
            let version = Int(sqlite3_column_int64(s, 0))
            let text = sqlite3_column_text(s, 1).map { String(cString: $0) } ?? ""
            return (version, text)
        case SQLITE_DONE:
            return nil
        case let code:
            throw Self.error(code, s)
        }
    }

    /// Resets the statement and binds `values` to its parameters 1, 2, 3 …
    private func bindFresh(_ values: [SQLValue]) throws -> OpaquePointer {
        let s = sqliteStatement
        sqlite3_reset(s)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .integer(let n):
                code = sqlite3_bind_int64(s, index, Int64(n))
            case .text(let text):
                var copy = text
                code = copy.withUTF8 { buffer in
                    sqlite3_bind_text(
                        s, index, buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                        Int32(buffer.count), Self.transient)
                }
            }
            guard code == SQLITE_OK else { throw Self.error(code, s) }
        }
        return s
    }

    /// SQLite copies the bytes (SQLITE_TRANSIENT).
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    static func error(_ code: Int32, _ s: OpaquePointer) -> DatabaseError {
        let db = sqlite3_db_handle(s)
        let message = db.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "SQLite error \(code)"
        return DatabaseError(
            resultCode: ResultCode(rawValue: code), message: message, sql: String(cString: sqlite3_sql(s)))
    }
}
