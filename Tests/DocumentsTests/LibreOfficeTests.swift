import Foundation
import Testing

@testable import Documents

/// The outside checks with real programs: LibreOffice (re-save and PDF), pdftotext,
/// pdftoppm + zbarimg, validate-odt.sh. Two soffice calls in all.
struct LibreOfficeTests {
    /// Every string and number leaf of a value (what the documents must show).
    static func leaves(_ v: TemplateValue, key: String = "", into out: inout [(String, String)]) {
        switch v {
        case .string(let s): if !s.isEmpty { out.append((key, s)) }
        case .number: out.append((key, v.text))
        case .array(let l): for x in l { leaves(x, key: key, into: &out) }
        case .object(let o): for (k, x) in o { leaves(x, key: k, into: &out) }
        default: break
        }
    }

    static func squeeze(_ s: String) -> String {
        String(s.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
    }

    @Test func libreOfficeConvertsRenderedDocumentsAndQRDecodes() throws {
        for (tool, pkg) in [
            ("soffice", "libreoffice-writer-nogui"), ("pdftotext", "poppler-utils"), ("pdftoppm", "poppler-utils"),
            ("zbarimg", "zbar-tools"), ("xmllint", "libxml2-utils"),
        ] {
            guard requireTool(tool, package: pkg) else { return }
        }
        let dir = Paths.tempDir("lo")
        let keep = ProcessInfo.processInfo.environment["PINGSHEN_KEEP_TEST_OUTPUT"] != nil
        defer { if !keep { try? FileManager.default.removeItem(at: dir) } }
        if keep { print("test output kept in \(dir.path)") }
        let rendered = dir.appendingPathComponent("rendered")
        let resaved = dir.appendingPathComponent("resaved")
        let pdf = dir.appendingPathComponent("pdf")
        for d in [rendered, resaved, pdf] {
            try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        }

        // 1. LibreOffice re-saves two templates (one soffice call): its XML differs from ours
        //    (automatic styles, rsids, split spans, loext: extensions).
        let profile = dir.appendingPathComponent("profile")
        let resave = try run([
            "soffice", "-env:UserInstallation=file://\(profile.path)", "--headless", "--norestore", "--nolockcheck",
            "--convert-to", "odt", "--outdir", resaved.path,
            Paths.templates.appendingPathComponent("certificate.odt").path,
            Paths.templates.appendingPathComponent("declaration-form.odt").path,
        ])
        #expect(resave.status == 0, "soffice re-save: \(resave.output)")

        // 2. Render every shipped template, plus the re-saved ones.
        var outputs: [(name: String, file: URL, data: TemplateValue)] = []
        for name in Shipped.names {
            let data = try Shipped.sample(name)
            let file = rendered.appendingPathComponent("\(name).odt")
            try Data(try Shipped.odt(name).render(data)).write(to: file)
            outputs.append((name, file, data))
        }
        for name in ["certificate", "declaration-form"] {
            let t = try ODTTemplate(contentsOf: resaved.appendingPathComponent("\(name).odt"))
            let data = try Shipped.sample(name)
            let file = rendered.appendingPathComponent("resaved-\(name).odt")
            try Data(try t.render(data)).write(to: file)
            outputs.append(("resaved-\(name)", file, data))
            let v = try validateODT(file, extended: true)
            #expect(v.status == 0, "re-saved \(name) rendered: \(v.output)")
        }

        // 3. One soffice call converts all of them to PDF.
        let script = Paths.conformance.appendingPathComponent("odf/odt-to-pdf.sh").path
        let conv = try run(["bash", script, pdf.path] + outputs.map(\.file.path))
        #expect(conv.status == 0, "odt-to-pdf: \(conv.output)")

        // 4. The PDF text holds every value rendered (Chinese included).
        for o in outputs {
            let pdfFile = pdf.appendingPathComponent("\(o.name).pdf")
            // -raw keeps the content-stream order, so a table cell's wrapped text stays together.
            let txt = try run(["pdftotext", "-raw", "-enc", "UTF-8", pdfFile.path, "-"])
            #expect(txt.status == 0)
            let text = Self.squeeze(txt.output)
            var values: [(String, String)] = []
            Self.leaves(o.data, into: &values)
            let source = try String(
                contentsOf: Paths.templates.appendingPathComponent(
                    "\(o.name.replacingOccurrences(of: "resaved-", with: "")).html"),
                encoding: .utf8)
            // Values of the names the template shows (samples carry a few more for other documents).
            for (key, value) in values where key != "verification_url" && source.contains("{{\(key)}}") {
                #expect(text.contains(Self.squeeze(value)), "\(o.name): '\(key)' = '\(value)' not in the PDF text")
            }
        }

        // 5. The certificate's QR code, as LibreOffice draws it, decodes to the URL.
        for name in ["certificate", "resaved-certificate"] {
            let prefix = dir.appendingPathComponent("page-\(name)").path
            let ppm = try run(["pdftoppm", "-png", "-r", "150", pdf.appendingPathComponent("\(name).pdf").path, prefix])
            #expect(ppm.status == 0, "\(ppm.output)")
            let pages = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter {
                $0.hasPrefix("page-\(name)")
            }
            #expect(!pages.isEmpty)
            let z = try run(
                ["zbarimg", "--raw", "-q"] + pages.map { dir.appendingPathComponent($0).path }, stderr: false)
            let url = try Shipped.sample("certificate")["verification_url"]!.text
            #expect(
                z.output.trimmingCharacters(in: .whitespacesAndNewlines) == url, "\(name): zbarimg said \(z.output)")
        }
    }
}
