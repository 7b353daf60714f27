import Foundation
import Testing

@testable import Documents

/// Found by the `mustache` fuzz target (scripts/fuzz.sh): sections over a list inside one another
/// and partials that include themselves twice grow a rendering exponentially — a 300-byte
/// template asked for more than 2 GB. One rendering now stops at
/// `TemplateLimits.maximumOutputBytes` or `maximumRenderSteps` with a clear error.
struct RenderBudgetTests {
    static let twoItems: TemplateValue = ["items": [["a": "甲"], ["a": "乙"]]]

    static func nestedItems(_ n: Int) -> String {
        String(repeating: "{{#items}}", count: n) + "{{a}}" + String(repeating: "{{/items}}", count: n)
    }

    static func isTooLarge(_ e: (any Error)?, template: String) -> Bool {
        guard let t = e as? TemplateError, case .renderTooLarge(let name) = t else { return false }
        return name == template && t.chinese == "模板 \(template) 生成的内容超过 64 MB 或展开超过 1000000 个标记（区块或子模板层层重复），已拒绝生成"
    }

    static func timed(_ body: () throws -> Void) -> (Duration, (any Error)?) {
        var error: (any Error)? = nil
        let d = ContinuousClock().measure {
            do { try body() } catch let e { error = e }
        }
        return (d, error)
    }

    @Test func htmlSectionsOverAListNestedFortyDeepAreRefused() throws {
        let t = try MustacheTemplate(source: Self.nestedItems(40), name: "bomb.html")
        let (d, e) = Self.timed { _ = try t.render(Self.twoItems) }
        #expect(Self.isTooLarge(e, template: "bomb.html"), "\(String(describing: e))")
        #expect(d < .seconds(30), "\(d)")
        // Ten deep is 1,024 lines of output: rendered as before.
        let fine = try MustacheTemplate(source: Self.nestedItems(10), name: "fine.html")
        #expect(try fine.render(Self.twoItems).count == 1024)
    }

    @Test func partialsIncludingThemselvesTwiceAreRefusedEvenWhenTheyWriteNothing() throws {
        let t = try MustacheTemplate(source: "{{>p}}", name: "loop.html", partials: ["p": "{{>p}}{{>p}}"])
        let (d, e) = Self.timed { _ = try t.render([:]) }
        #expect(Self.isTooLarge(e, template: "loop.html"), "\(String(describing: e))")
        #expect(d < .seconds(30), "\(d)")
    }

    @Test func odtSectionsOverAListNestedFortyDeepAreRefused() throws {
        let t = try makeODT("<text:p>\(Self.nestedItems(40))</text:p>", name: "bomb.odt")
        let (_, e) = Self.timed { _ = try t.render(Self.twoItems, strict: false) }
        #expect(Self.isTooLarge(e, template: "bomb.odt"), "\(String(describing: e))")
        let (_, partE) = Self.timed { _ = try t.renderPart("content.xml", data: Self.twoItems) }
        #expect(Self.isTooLarge(partE, template: "bomb.odt"), "\(String(describing: partE))")
    }
}
