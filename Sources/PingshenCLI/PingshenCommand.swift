import ArgumentParser

/// The `pingshen` command: every subcommand lives in this module so tests can call it.
@available(macOS 10.15, *)
public struct PingshenCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pingshen",
        abstract: "Pingshen 评审 — professional-title evaluation for a city's HR bureau.",
        subcommands: [
            DemoCommand.self, ServeCommand.self, HistoryCommand.self, TallyCommand.self, StatusCommand.self,
            TickCommand.self,
            AuditCommand.self, FormsCommand.self, ApplyCommand.self, RenderCommand.self, DocumentsCommand.self,
            ArchiveCommand.self,
            CertificateCommand.self, PolicyCommand.self, CalendarCommand.self, CommitteeCommand.self,
            InitCommand.self, AdminCommand.self, ExpertsCommand.self, DossierCommand.self,
            UnitStepsCommand.self, OfficeStepsCommand.self, SessionStepsCommand.self, PostHocStepsCommand.self,
            SelfReviewCommand.self, UnitsCommand.self,
        ])

    public init() {}
}

@available(macOS 10.15, *)
extension PingshenCommand {
    /// The entry point of the `pingshen` executable: runs the command tree asynchronously
    /// (`serve` is async; the other subcommands are plain).
    public static func start() async {
        await asyncMain()
    }

    private static func asyncMain() async {
        let command: any AsyncParsableCommand.Type = PingshenCommand.self
        await command.main()
    }
}
