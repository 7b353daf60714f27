import Foundation
import Workflow

/// An application's dossier, whole and typed: the application as it stands (its state carries
/// the unit's notice and recommendation, the office's decisions, the correction asked and
/// answered, the committee's counts, the notice, confirmation and certificate number), who and
/// which unit, every submission's declaration (data, digests, the signed pledge and its text),
/// the documents its steps issued and the certificate's state, for a reader that wants all of it
/// at once (`pingshen dossier`); pages that already hold the state ask only for the declarations.
/// Every consumer lays the declaration out through `Forms.present`.
public struct Dossier: Sendable {
    public var applicationID: String
    public var version: Int
    public var state: ApplicationState
    public var person: PersonRecord?
    public var unit: UnitRecord?
    /// Oldest first: a correction's answer follows the declaration it corrects.
    public var declarations: [StoredDeclaration]
    /// The application's documents, then its certificate's, in queue order.
    public var documents: [StoredDocument]
    public var certificate: CertificateState?

    /// The declaration as it stands (the latest submission).
    public var declaration: StoredDeclaration? { declarations.last }
}

extension EventStore {
    /// The dossier of an application, nil when there is no such application.
    public func dossier(applicationID id: String) throws(StoreError) -> Dossier? {
        guard let current = try load(ApplicationMachine.self, id: id), let profile = current.state.profile else {
            return nil
        }
        var documents = try self.documents(streamKind: ApplicationMachine.kind, streamID: id)
        var certificate: CertificateState?
        if let number = current.state.certificateNumber {
            certificate = try load(CertificateMachine.self, id: number)?.state
            documents += try self.documents(streamKind: CertificateMachine.kind, streamID: number)
        }
        return Dossier(
            applicationID: id, version: current.version, state: current.state, person: try person(profile.personID),
            unit: try unit(profile.unitID), declarations: try declarations(applicationID: id), documents: documents,
            certificate: certificate)
    }
}
