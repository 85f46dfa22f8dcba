"""The issuer's signed revocation lists: the certificate table's revoked bits, signed per key."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from course import clock
from course.certificates import credential as vc
from course.certificates.statuslist import MIN_SIZE, build_status_list_credential
from course.extensions import db
from course.models import Certificate, CertificateStatus

if TYPE_CHECKING:
    from course.certificates.issuer import Issuer


def status_list_credential(
    issuer: Issuer, list_id: int, ttl: timedelta | None = None
) -> dict[str, Any] | None:
    """Sign revocation list ``list_id`` with the key whose credentials point at it.

    Each signing key has its own list (the n-th key, oldest first, owns list n), so a key
    rotation never changes the issuer or key an earlier credential's status check sees.
    Indexes are unique across lists, so every list carries every revoked bit. None: no such key.
    With `ttl`, the list carries validUntil = now + ttl, so a stale copy cannot be replayed.
    """
    ring = issuer.keyring()
    key = ring.by_list_id(list_id)
    if key is None:
        return None
    indexes = list(
        db.session.scalars(
            select(Certificate.status_index).where(Certificate.status != CertificateStatus.VALID)
        )
    )
    highest = db.session.scalar(select(func.max(Certificate.status_index))) or 0
    size = max(MIN_SIZE, (highest // 8 + 1) * 8)
    did = issuer.did_for(key)
    unsigned = build_status_list_credential(
        list_url=issuer.status_list_url(list_id),
        issuer_id=did,
        revoked_indexes=indexes,
        size=size,
        valid_from=clock.now(),
        ttl=ttl,
    )
    return vc.sign(unsigned, key.private_key, key.verification_method(did))
