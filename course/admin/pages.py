"""Admin listings: one page of a select, for the audit log, users and certificates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from course.extensions import db
from course.models import AuditEntry, Certificate, User

T = TypeVar("T")


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
        """A newer/earlier page exists."""
        return self.number > 1

    @property
    def has_next(self) -> bool:
        """An older/later page exists."""
        return self.number < self.pages


def paginate(stmt: Select[Any], number: int, per_page: int) -> Page[Any]:
    """Run one page of a select (plus a count)."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    number = max(1, number)
    items = list(db.session.scalars(stmt.limit(per_page).offset((number - 1) * per_page)))
    return Page(items, number, per_page, total or 0)


def audit_page(number: int, stmt: Select[Any] | None = None, per_page: int = 50) -> Page[Any]:
    """The audit log (or a filtered select of it), newest first."""
    if stmt is None:
        stmt = (
            select(AuditEntry)
            .options(selectinload(AuditEntry.actor))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        )
    return paginate(stmt, number, per_page)


def users_page(number: int, stmt: Select[Any] | None = None, per_page: int = 50) -> Page[User]:
    """Accounts by name: all of them, or those a filtered select finds."""
    if stmt is None:
        stmt = select(User).order_by(User.full_name, User.id)
    return paginate(stmt, number, per_page)


def certificates_page(number: int, per_page: int = 50) -> Page[Certificate]:
    """Every certificate ever issued, newest first (nothing is ever deleted)."""
    stmt = (
        select(Certificate)
        .options(selectinload(Certificate.user), selectinload(Certificate.course))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    return paginate(stmt, number, per_page)
