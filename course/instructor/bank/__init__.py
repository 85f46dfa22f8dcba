"""Question bank: the list with statistics, the versioned editor, regrade, quiz settings, YAML."""
