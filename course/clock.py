"""The one place the application reads the time, so tests can travel in time without sleeping.

Tests replace `now` (monkeypatch.setattr(clock, "now", ...)); `timestamp` is the column
default for models, and looks `now` up at call time so a replaced clock applies to it too.
"""

from datetime import UTC, datetime


def now() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def timestamp() -> datetime:
    """Column default: the current time from `now` (called per row, never at import)."""
    return now()
