"""Admin: users and roles, certificate queue, audit log."""
