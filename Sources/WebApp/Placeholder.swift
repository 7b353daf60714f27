// WebApp module — see ARCHITECTURE.md
