import PingshenCLI
PingshenCommand.main()
