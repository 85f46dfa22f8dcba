"""One page of a listing: the ?page= number, a select or a list cut to one page, the pager.

Every paginated listing (admin audit log, users and certificates, the question bank, the
cohort report) uses this module and templates/_partials/_pager.html. A page number is clamped
into 1..pages, so a bad, negative or huge ?page= shows the nearest real page instead of an
empty one or a database overflow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import request
from sqlalchemy import Select, func, select

from course.extensions import db

T = TypeVar("T")

PER_PAGE = 50
# Far beyond any real listing, and small enough that OFFSET fits every database's integer.
MAX_PAGE = 100_000


def page_number(raw: object = None) -> int:
    """The requested page (?page= by default) as 1..MAX_PAGE; anything unreadable is page 1."""
    value = request.args.get("page", "") if raw is None else raw
    try:
        number = int(str(value).strip() or 1)
    except ValueError:
        return 1
    return min(max(1, number), MAX_PAGE)


def clamp(number: int, total: int, per_page: int = PER_PAGE) -> tuple[int, int]:
    """The page number moved into range, and the page count (at least one)."""
    pages = max(1, -(-total // per_page))
    return min(max(1, number), pages), pages


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing."""

    items: list[T]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        """A page before this one exists."""
        return self.number > 1

    @property
    def has_next(self) -> bool:
        """A page after this one exists."""
        return self.number < self.pages

    @property
    def first(self) -> int:
        """1-based position of the page's first item (0 when empty)."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        """1-based position of the page's last item."""
        return (self.number - 1) * self.per_page + len(self.items)

    def window(self, radius: int = 3) -> range:
        """The page numbers linked around this one."""
        return range(max(1, self.number - radius), min(self.pages, self.number + radius) + 1)


def paginate(stmt: Select[Any], number: int, per_page: int = PER_PAGE) -> Page[Any]:
    """Run one page of a select (plus a count); the number is clamped to the last page."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    number, _ = clamp(number, total or 0, per_page)
    items = list(db.session.scalars(stmt.limit(per_page).offset((number - 1) * per_page)))
    return Page(items, number, per_page, total or 0)


def paginate_list(rows: Sequence[T], number: int, per_page: int = PER_PAGE) -> Page[T]:
    """One page of rows already in memory."""
    number, _ = clamp(number, len(rows), per_page)
    return Page(
        list(rows[(number - 1) * per_page : number * per_page]), number, per_page, len(rows)
    )
