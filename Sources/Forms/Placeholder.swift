// Forms module — see ARCHITECTURE.md
