import PingshenCLI

PingshenCommand.main()
