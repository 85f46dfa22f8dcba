"""The item-analysis summary table: every question version, sorted server-side by ?sort=.

``sort`` names a column, with a leading "-" for descending ("-facility"); only the names in
SORTS are accepted. Versions without a figure (e.g. an undefined discrimination) sort last in
either direction; ties keep question order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from course.instructor.insight.services import VersionReport

SORTS: dict[str, tuple[str, Callable[[VersionReport], object]]] = {
    "question": ("Question", lambda r: (r.uid, r.version.number)),
    "facility": ("Facility", lambda r: r.stats.facility),
    "discrimination": ("Discrimination", lambda r: r.stats.discrimination),
    "n": ("Responses (n)", lambda r: r.stats.attempts),
    "flags": ("Flags", lambda r: len(r.stats.flags)),
}
DEFAULT_SORT = "question"


class SortProblem(ValueError):
    """An unknown ?sort= value, with a message naming the parameter and the choices."""


@dataclass(frozen=True)
class Sort:
    """A validated sort: the column and its direction."""

    column: str
    descending: bool = False

    @property
    def arg(self) -> str:
        """This sort as its ?sort= value."""
        return ("-" if self.descending else "") + self.column

    def toggle(self, column: str) -> str:
        """The ?sort= value a column header links to: flips the direction of the current one."""
        if column == self.column:
            return column if self.descending else "-" + column
        return column

    def aria(self, column: str) -> str | None:
        """The header's aria-sort value, or None for unsorted columns."""
        if column != self.column:
            return None
        return "descending" if self.descending else "ascending"


def parse_sort(value: str | None) -> Sort:
    """Read ?sort=; raise SortProblem for anything outside SORTS."""
    text = (value or DEFAULT_SORT).strip()
    column = text.removeprefix("-")
    if column not in SORTS:
        names = ", ".join(SORTS)
        raise SortProblem(
            f"Sort: “{text[:40]}” is not a column to sort by; use one of {names}"
            " (with a leading - for descending). Showing the table by question."
        )
    return Sort(column, text.startswith("-"))


def sort_reports(reports: Sequence[VersionReport], sort: Sort) -> list[VersionReport]:
    """The reports in the requested order; missing figures last, ties in question order."""
    key = SORTS[sort.column][1]
    base = sorted(reports, key=SORTS[DEFAULT_SORT][1])
    present = [r for r in base if key(r) is not None]
    missing = [r for r in base if key(r) is None]
    present.sort(key=key, reverse=sort.descending)  # type: ignore[arg-type]
    return present + missing
