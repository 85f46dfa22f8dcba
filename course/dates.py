"""One date format everywhere ("26 November 2026"), shown in the reader's time zone.

Stored times are UTC. Dates without a time (a completion date) are calendar dates and are never
shifted; moments (issued at, revoked at) are shown in the time zone given, else UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

MONTHS = (
    "January February March April May June July August September October November December"
).split()


@lru_cache(maxsize=1)
def time_zone_names() -> tuple[str, ...]:
    """Every IANA time zone name this system knows, sorted (UTC first)."""
    names = sorted(n for n in available_timezones() if "/" in n and not n.startswith("Etc/"))
    return ("UTC", *names)


def zone(name: str | None) -> tzinfo:
    """The named time zone, or UTC for none or an unknown name."""
    if not name or name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _as_date(value: str | date | datetime, tz: str | None) -> date:
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(zone(tz)).date()
    return value


def human_date(value: str | date | datetime | None, tz: str | None = None) -> str:
    """Format a date, datetime or ISO string as e.g. '26 November 2026' (moments in ``tz``)."""
    if value is None or value == "":
        return ""
    day = _as_date(value, tz)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def human_datetime(value: datetime | str | None, tz: str | None = None) -> str:
    """Format a moment as e.g. '26 November 2026, 16:46 UTC' in the time zone ``tz``."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    moment = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(zone(tz))
    label = "UTC" if zone(tz) is UTC else (moment.tzname() or str(tz))
    return f"{human_date(moment.date())}, {moment:%H:%M} {label}"


def human_time(value: datetime | None, tz: str | None = None) -> str:
    """Format the time of a moment, e.g. '16:46 UTC', in the time zone ``tz``."""
    if value is None:
        return ""
    moment = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(zone(tz))
    label = "UTC" if zone(tz) is UTC else (moment.tzname() or str(tz))
    return f"{moment:%H:%M} {label}"
