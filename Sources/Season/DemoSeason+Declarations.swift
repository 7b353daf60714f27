import Domain
import Forms
import Foundation
import JSONKit
import Store
import Workflow

/// The demo's applicants declare like real ones: a complete declaration of their series'
/// form, generated from the seed, with a photo and small real attachments, and the form's
/// pledge signed over exactly that data — stored with the submit step, in its transaction.
extension DemoSeason {
    struct DemoDeclaration {
        var form: FormDefinition
        var data: JSONValue
        var files: [String: [UInt8]]
        var pledgeText: String
        /// `data.canonical` and its SHA-256, computed once (the pledge signs it, the store keeps it).
        var canonical: String
        var dataSHA256: String
    }

    /// The form an application declares with: of its series, offering its track (the skills
    /// route has its own form), else the first of the series.
    func form(for a: DemoApplication) -> FormDefinition? {
        guard let forms else { return nil }
        let candidates = forms.formIDs.compactMap { try? forms.form($0) }.filter {
            $0.series == a.series && $0.levels.contains(a.level) && $0.pledge != nil
        }
        return candidates.first { $0.tracks.contains(a.track) && $0.id != "skills-to-engineering" || a.track == .skillsBridge && $0.id == "skills-to-engineering" }
            ?? candidates.first { $0.tracks.contains(a.track) } ?? candidates.first
    }

    func declaration(for a: DemoApplication, unit: UnitRecord?) -> DemoDeclaration? {
        guard let form = form(for: a), let pledge = form.pledge else { return nil }
        let track = form.tracks.contains(a.track) ? a.track : .normal
        let applicant = DeclarationGenerator.Applicant(
            name: a.name, residentID: a.residentID, unitName: unit?.name ?? a.unitID,
            creditCode: unit?.creditCode.value ?? "", unitKind: unit?.kind.rawValue ?? "private-enterprise")
        let number = UInt64(a.id.filter(\.isNumber)) ?? 0
        let generated = DeclarationGenerator.declaration(
            form: form, level: a.level, track: track, applicant: applicant, on: config.start,
            seed: config.seed &* 1_000_003 &+ number)
        let canonical = generated.data.canonical
        return DemoDeclaration(
            form: form, data: generated.data, files: generated.files, pledgeText: pledge.text, canonical: canonical,
            dataSHA256: SHA256Digest.hex(of: canonical))
    }

    /// Writes the declared files (content-addressed; already-present files are kept).
    func writeFiles(_ d: DemoDeclaration) throws {
        guard let root = attachments else { return }
        let folder = AttachmentFolder(root: root)
        for (sha, bytes) in d.files { try folder.write(bytes, sha256: sha) }
    }

    /// The pledge the applicant signs now for `d`.
    func pledge(_ a: DemoApplication, _ d: DemoDeclaration) -> Workflow.PledgeRecord {
        Workflow.PledgeRecord(
            signerID: a.personID, signedAt: clock, textHash: SHA256Digest.hex(of: d.pledgeText),
            dataHash: d.dataSHA256)
    }

    /// Submits with the declaration stored in the same transaction.
    func submit(_ a: DemoApplication, _ d: DemoDeclaration, eligibility: Workflow.EligibilityFacts) throws {
        try writeFiles(d)
        let pledge = pledge(a, d)
        let ctx = context(Cast.applicant(a.personID))
        let record = Forms.PledgeRecord(
            formID: d.form.id, formVersion: d.form.version, signerID: a.personID, signerName: a.name,
            signedAt: pledge.signedAt, pledgeTextSHA256: pledge.textHash, dataSHA256: pledge.dataHash,
            waivedProofs: d.form.pledge?.waives ?? [])
        let pledgeJSON = try CanonicalJSON.encode(record)
        try transact { tx in
            let outcome = try tx.execute(
                ApplicationMachine.self, id: a.id,
                .submit(pledge: pledge, currentPledgeTextHash: pledge.textHash, eligibility: eligibility), context: ctx)
            self.stats.events += outcome.events.count
            try tx.record(
                StoredDeclaration(
                    applicationID: a.id, version: outcome.version, formID: d.form.id, formVersion: d.form.version,
                    data: d.canonical, dataSHA256: pledge.dataHash, pledge: pledgeJSON, pledgeText: d.pledgeText,
                    submittedAt: Timestamp.format(pledge.signedAt)))
        }
    }
}
