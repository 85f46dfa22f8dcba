"""The verify page's read model: a certificate's public record, cached per (code, status).

A certificate's snapshot never changes after issue; only its status does (revocation,
reissue). Each request reads the status columns alone (one narrow query, no JSON), and the
public record is cached per process under (code, status, revoked_at, superseded_by_id), so a
revoke or reissue made by any instance changes the key and shows at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from flask import current_app
from sqlalchemy import select

from course.certificates.public_record import find_by_code, public_record
from course.extensions import db
from course.lru import LruCache
from course.models import Certificate

MAX_ENTRIES = 1024


def _cache() -> LruCache:
    return current_app.extensions.setdefault("practicum.public_certificates", LruCache(MAX_ENTRIES))


def status_key(code: str) -> tuple[Any, ...] | None:
    """(code, status, revoked_at, superseded_by_id) of a certificate, or None when unknown."""
    row = db.session.execute(
        select(Certificate.status, Certificate.revoked_at, Certificate.superseded_by_id).where(
            Certificate.code == code
        )
    ).first()
    return None if row is None else (code, row[0], row[1], row[2])


def public_view(code: str | None) -> Mapping[str, Any] | None:
    """The read-only public record of the certificate with this canonical code, or None."""
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
    return found
