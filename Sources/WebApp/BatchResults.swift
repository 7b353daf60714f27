import Documents

/// What a batch run on the web did (批量推荐, 批量受理): one line per application, each step
/// its own transaction — a refusal is that application's line, not the end of the batch.
struct BatchResults {
    private(set) var lines: [TemplateValue] = []

    /// An id that is not the viewer's to act on (unknown, or another unit's): reads as unknown.
    mutating func notFound(_ id: String) {
        lines.append(["id": .string(id), "ok": false, "text": "未找到该申报。"])
    }

    /// Runs one application's step: `done` when it went through, the refusal's message (or
    /// `failed`) when it did not.
    mutating func run(_ id: String, done: String, failed: String, _ step: () async throws -> Void) async throws {
        do {
            try await step()
            lines.append(["id": .string(id), "ok": true, "text": .string(done)])
        } catch let error as WebError {
            let text: String =
                switch error {
                case .refused(_, let message): ChineseText.fullWidth(message)
                default: failed
                }
            lines.append(["id": .string(id), "ok": false, "text": .string(text)])
        }
    }

    /// The page's values: `results`, `hasResults`, and the counts `done` and `failed`.
    var values: [String: TemplateValue] {
        [
            "results": .list(lines), "hasResults": .bool(!lines.isEmpty),
            "done": .string(String(lines.filter { $0["ok"] == .bool(true) }.count)),
            "failed": .string(String(lines.filter { $0["ok"] == .bool(false) }.count)),
        ]
    }
}
