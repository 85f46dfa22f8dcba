"""The one place the application reads the time, so tests can travel in time without sleeping."""

from datetime import UTC, datetime


def now() -> datetime:
    """Return the current UTC time."""
    return datetime.now(UTC)
