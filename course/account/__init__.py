"""Self-service account: export of one's data, account closure."""
