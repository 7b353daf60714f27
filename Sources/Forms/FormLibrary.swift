import Domain
import Foundation

/// Every form and eligibility rule set in a `forms/` directory.
///
/// Layout: `forms/<id>.yaml` are forms; `forms/common/*.yaml` are parts they include;
/// `forms/eligibility/<id>.yaml` are the eligibility rules of the form with that id.
///
/// ```swift
/// let library = try FormLibrary.load(directory: "forms")
/// let form = try library.form("engineering")
/// let report = form.validate(data)
/// ```
public struct FormLibrary: Sendable {
    public var directory: String
    public var forms: [String: FormDefinition]
    public var eligibility: [String: EligibilityRules]

    /// Form ids, sorted.
    public var formIDs: [String] { forms.keys.sorted() }

    /// Loads and checks every definition.
    /// - Throws: `FormsError.definitions` listing every problem (file, line, key).
    public static func load(directory: String) throws(FormsError) -> FormLibrary {
        let (library, errors) = read(directory: directory)
        guard errors.isEmpty else { throw .definitions(errors) }
        return library
    }

    /// Every problem in the definitions (empty when all is well) — `pingshen forms check`.
    public static func lint(directory: String) -> [ConfigError] { read(directory: directory).1 }

    public func form(_ id: String) throws(FormsError) -> FormDefinition {
        guard let form = forms[id] else { throw .unknownForm(id) }
        return form
    }

    public func rules(for formID: String) throws(FormsError) -> EligibilityRules {
        guard let rules = eligibility[formID] else { throw .unknownForm(formID) }
        return rules
    }

    static func yamlFiles(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
    }

    static func read(directory: String) -> (FormLibrary, [ConfigError]) {
        var loader = FormLoader(directory: directory)
        var forms: [String: FormDefinition] = [:]
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return (
                FormLibrary(directory: directory, forms: [:], eligibility: [:]),
                [ConfigError(file: directory, line: nil, key: "", message: "申报表目录不存在")]
            )
        }
        for name in yamlFiles(in: directory) {
            if let form = loader.loadForm(path: (directory as NSString).appendingPathComponent(name)) {
                forms[form.id] = form
            }
        }
        var errors = loader.errors
        var eligibility: [String: EligibilityRules] = [:]
        let rulesDirectory = (directory as NSString).appendingPathComponent("eligibility")
        for name in yamlFiles(in: rulesDirectory) {
            let path = (rulesDirectory as NSString).appendingPathComponent(name)
            do {
                let root = try ConfigNode.load(path: path)
                let named = ConfigNode(node: root.node, file: "eligibility/\(name)", path: "")
                let rules = try EligibilityRules.parse(named, forms: forms)
                eligibility[rules.formID] = rules
            } catch {
                errors.append(error)
            }
        }
        return (FormLibrary(directory: directory, forms: forms, eligibility: eligibility), errors)
    }
}
