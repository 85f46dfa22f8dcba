"""A certificate as the public may see it: found by its code, shown without personal contacts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from course.extensions import db
from course.models import Certificate, CertificateStatus


def find_by_code(code: str | None) -> Certificate | None:
    """Return the certificate with this canonical code, if any."""
    if not code:
        return None
    return db.session.scalar(
        select(Certificate)
        .options(selectinload(Certificate.superseded_by))
        .where(Certificate.code == code)
    )


def public_record(certificate: Certificate) -> dict[str, Any]:
    """What anyone may see: holder, course, dates, issuer, credit, status. No email or licence.

    Enough to compare line by line with a PDF, so an edited PDF does not pass as "valid".
    """
    snap = certificate.snapshot
    record: dict[str, Any] = {
        "code": certificate.code,
        "status": certificate.status.value,
        "name": snap["full_name"],
        "course": snap["course_title"],
        "certificate_title": snap.get("certificate_title"),
        "completion_date": snap["completion_date"],
        "hours": snap["hours"],
        "credit_type": snap.get("credit_type"),
        "credit_amount": snap.get("credit_amount"),
        "credit_line": snap.get("credit_line"),
        "issuer": snap.get("issuer_name"),
        "issued_at": certificate.issued_at.isoformat(),
    }
    if certificate.status == CertificateStatus.REVOKED and certificate.revoked_at:
        record["revoked_at"] = certificate.revoked_at.isoformat()
    if certificate.superseded_by is not None:
        record["superseded_by"] = certificate.superseded_by.code
    return record
