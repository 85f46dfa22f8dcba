"""The verify page's read model: a certificate's public record, cached per (code, status).

A certificate's snapshot never changes after issue; only its status does (revocation,
reissue). Each request reads the status columns alone (one narrow query, no JSON), and the
public record is cached per process under (code, status, revoked_at, superseded_by_id), so a
revoke or reissue made by any instance changes the key and shows at once.

The page an anonymous visitor sees depends on nothing else (no session, dates in UTC), so its
rendered HTML is cached under the same key; a signed-in visitor's page is always rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from types import MappingProxyType
from typing import Any

from flask import current_app, session
from flask_login import current_user
from sqlalchemy import Select, bindparam, select

from course.certificates.public_record import find_by_code, public_record
from course.dbsetup import single_read
from course.extensions import db
from course.lru import LruCache
from course.models import Certificate, CertificateStatus

MAX_ENTRIES = 1024
MAX_PAGES = 512  # about 9 KB each: at most ~5 MB per process
_STATUS = Certificate.__table__.c  # a Core select: no ORM compile or hydration per request


def _cache() -> LruCache:
    return current_app.extensions.setdefault("practicum.public_certificates", LruCache(MAX_ENTRIES))


def status_key(code: str) -> tuple[Any, ...] | None:
    """(code, status, revoked_at, superseded_by_id) of a certificate, or None when unknown.

    An anonymous visitor's request has no ORM session yet, and the status is its only read: it
    goes straight to a pooled DBAPI connection (course.dbsetup.single_read), skipping the
    session, SQLAlchemy's Connection and Result and, on SQLite, the BEGIN. A request that already
    has a session (a signed-in visitor's) reads inside its transaction."""
    params = {"code": code}
    if db.session.registry.has():
        row = db.session.execute(_status_statement(), params).first()
    else:
        row = single_read(_status_statement(), params)
    if row is None:
        return None
    status = row[0] if isinstance(row[0], CertificateStatus) else CertificateStatus(row[0])
    return (code, status, row[1], row[2])


@cache
def _status_statement() -> Select:
    return select(_STATUS.status, _STATUS.revoked_at, _STATUS.superseded_by_id).where(
        _STATUS.code == bindparam("code")
    )


def public_view(code: str | None) -> Mapping[str, Any] | None:
    """The read-only public record of the certificate with this canonical code, or None."""
    found = lookup(code)
    return None if found is None else found[1]


def lookup(code: str | None) -> tuple[tuple[Any, ...], Mapping[str, Any]] | None:
    """(status key, public record) of the certificate with this canonical code, or None."""
    if not code:
        return None
    key = status_key(code)
    if key is None:
        return None
    cache = _cache()
    found = cache.get(key)
    if found is None:
        certificate = find_by_code(code)
        if certificate is None:  # deleted since the status read
            return None
        found = MappingProxyType(public_record(certificate))
        cache.put(key, found, stale=lambda k: k[0] == code)
    return key, found


def verify_page(found: tuple[tuple[Any, ...], Any] | None, render: Callable[[], str]) -> str:
    """The verify page's HTML: shared by every anonymous visitor with no pending message
    (rendered once per status key and process), rendered afresh for anyone else."""
    if found is None or current_user.is_authenticated or session.get("_flashes"):
        return render()
    key = found[0]
    pages = current_app.extensions.setdefault("practicum.public_pages", LruCache(MAX_PAGES))
    html = pages.get(key)
    if html is None:
        html = render()
        pages.put(key, html, stale=lambda k: k[0] == key[0])
    return html
