// Season module — see ARCHITECTURE.md
