"""Shared column helpers for the typed models."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC (called per row, never at import)."""
    return datetime.now(UTC)
