"""Board export files: PARS learner completion (CSV), CE Broker roster (CSV and .xlsx).

Columns follow the field lists marked [V] in ../shared/standards/continuing-education.md;
README.md documents each column. CSV streams row by row; the .xlsx is written by openpyxl in
write-only mode (rows are not kept, but the finished file is assembled in memory).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from openpyxl import Workbook

from course.ce.reporting import ClaimRow
from course.certificates.eligibility import format_hours

Column = tuple[str, Callable[[ClaimRow], str]]


@dataclass(frozen=True)
class Tracking:
    """CE Broker's numbers for a course, without their "50-" and "20-" prefixes."""

    provider: str
    course: str
    publishing: str = ""

    @classmethod
    def parse(cls, provider: str, course: str, publishing: str = "") -> Tracking:
        """Strip whitespace and the prefixes CE Broker's roster must not carry."""
        return cls(_unprefix(provider, "50-"), _unprefix(course, "20-"), publishing.strip())


def _unprefix(value: str, prefix: str) -> str:
    value = (value or "").strip()
    return value[len(prefix) :] if value.startswith(prefix) else value


def _month(r: ClaimRow) -> str:
    return "" if r.birth_month is None else f"{r.birth_month:02d}"


def _day(r: ClaimRow) -> str:
    return "" if r.birth_day is None else f"{r.birth_day:02d}"


PARS_COLUMNS: tuple[Column, ...] = (
    ("First Name", lambda r: r.first_name),
    ("Last Name", lambda r: r.last_name),
    ("Date of Birth Month", _month),
    ("Date of Birth Day", _day),
    ("Board ID", lambda r: r.board_id or ""),
    ("Licensing State", lambda r: r.state or ""),
    ("License Number", lambda r: r.licence),
    ("NPI", lambda r: r.npi or ""),
    ("Completion Date", lambda r: r.completed.strftime("%m/%d/%Y")),
    ("Credit Type", lambda r: r.label),
    ("Credits Claimed", lambda r: format_hours(r.amount)),
    ("Permission to Share", lambda r: "Yes" if r.consent_at else "No"),
    ("Certificate Code", lambda r: r.code),
)


def cebroker_columns(tracking: Tracking) -> tuple[Column, ...]:
    """CE Broker's roster layout, columns A to J (C unused in the published layout)."""
    return (
        ("Provider Tracking Number", lambda r: tracking.provider),  # A
        ("Course Tracking Number", lambda r: tracking.course),  # B
        ("", lambda r: ""),  # C: not used
        ("Publishing Number", lambda r: tracking.publishing),  # D
        ("License Number", lambda r: r.licence),  # E
        ("Completion Date", lambda r: r.completed.strftime("%m/%d/%Y")),  # F
        ("State", lambda r: f"State={r.state or ''}"),  # G
        ("Profession", lambda r: f"Profession={r.profession}"),  # H
        ("Subject Area Code", lambda r: ""),  # I: partial credit only
        ("Hours", lambda r: format_hours(r.amount)),  # J
    )


def _safe(text: str) -> str:
    """Neutralise spreadsheet formulas in learner-typed cells (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _cells(columns: tuple[Column, ...], row: ClaimRow) -> list[str]:
    # "State=FL" is CE Broker's literal, not a formula: only learner-typed text is escaped.
    return [
        value if value.startswith(("State=", "Profession=")) else _safe(value)
        for value in (f(row) for _, f in columns)
    ]


def csv_chunks(columns: tuple[Column, ...], rows: Iterable[ClaimRow]) -> Iterator[str]:
    """Yield CSV text: the header, then one chunk per 200 rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([name for name, _ in columns])
    for n, row in enumerate(rows, 1):
        writer.writerow(_cells(columns, row))
        if n % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_bytes(columns: tuple[Column, ...], rows: Iterable[ClaimRow]) -> bytes:
    """Write the rows to an .xlsx workbook (openpyxl, write-only mode)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Roster")
    sheet.append([name for name, _ in columns])
    for row in rows:
        sheet.append(_cells(columns, row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
