"""Reporting identifiers: NPI check digit, US state codes, licence normalisation for export.

Licence numbers are stored as the learner typed them; `export_licence` normalises a copy for
PARS and CE Broker files only.
"""

from __future__ import annotations

import re

from course.models import User

NPI_PREFIX = "80840"  # ISO 7812 issuer prefix the NPI check digit is computed with
US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI".split()
)
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def luhn_valid(digits: str) -> bool:
    """True when a digit string passes the Luhn (mod 10) check."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def npi_valid(value: str) -> bool:
    """True for a 10-digit NPI whose last digit is the Luhn check over 80840 + the first nine."""
    return bool(re.fullmatch(r"[0-9]{10}", value or "")) and luhn_valid(NPI_PREFIX + value)


def day_problem(month: int | None, day: int | None) -> str | None:
    """What is wrong with a birth month/day pair (both or neither), or None."""
    if month is None and day is None:
        return None
    if month is None or day is None:
        return "Give both the month and the day of your birth, or neither."
    if not 1 <= month <= 12:
        return "The month must be between 1 and 12."
    if not 1 <= day <= _DAYS[month - 1]:
        return f"Month {month} has no day {day}."
    return None


def export_licence(value: str | None) -> str:
    """The licence number as boards expect it: upper case, no spaces, dots or dashes."""
    return re.sub(r"[\s.\-/]", "", value or "").upper()


def state_code(value: str | None) -> str | None:
    """The two-letter US state code a learner's licence state stands for (None: not one)."""
    code = (value or "").strip().upper()
    return code if code in US_STATES else None


def identity_problems(user: User) -> list[str]:
    """What a board report would reject about this learner's identifiers (empty: fine)."""
    problems = []
    if not (user.board_id or user.npi or (user.licence_number and user.licence_state)):
        problems.append("No board ID, NPI, or licence number with its state.")
    if user.birth_month is None or user.birth_day is None:
        problems.append("Date of birth (month and day) is missing.")
    if user.licence_number and state_code(user.licence_state) is None:
        problems.append(f"Licence state “{user.licence_state or ''}” is not a US state code.")
    if user.npi and not npi_valid(user.npi):
        problems.append("The NPI fails its check digit.")
    if user.share_consent_at is None:
        problems.append("No consent to share completion data with boards.")
    return problems
