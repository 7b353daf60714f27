// Documents module — see ARCHITECTURE.md
