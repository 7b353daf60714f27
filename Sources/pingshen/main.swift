import PingshenCLI

await PingshenCommand.start()
