// Issuance module — see ARCHITECTURE.md
