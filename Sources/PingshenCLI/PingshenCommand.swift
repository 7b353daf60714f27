import ArgumentParser

/// The `pingshen` command: every subcommand lives in this module so tests can call it.
public struct PingshenCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pingshen",
        abstract: "Pingshen 评审 — professional-title evaluation for a city's HR bureau.",
        subcommands: [
            DemoCommand.self, HistoryCommand.self, TallyCommand.self, StatusCommand.self, TickCommand.self,
            AuditCommand.self, FormsCommand.self, ApplyCommand.self, RenderCommand.self, DocumentsCommand.self,
            ArchiveCommand.self,
            CertificateCommand.self, PolicyCommand.self, CalendarCommand.self,
        ])

    public init() {}
}
