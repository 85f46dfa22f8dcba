"""JSON API v1 (session-authenticated)."""
