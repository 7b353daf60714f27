// Archive module — see ARCHITECTURE.md
