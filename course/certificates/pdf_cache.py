"""Certificate PDFs, rendered once per (snapshot, verify URL, status, holder's time zone)."""

from __future__ import annotations

import json
from functools import lru_cache

from course.certificates.pdf import render_certificate_pdf
from course.models import Certificate, CertificateStatus

STATUS_NOTES = {CertificateStatus.REVOKED: "REVOKED", CertificateStatus.SUPERSEDED: "SUPERSEDED"}


@lru_cache(maxsize=256)
def _render(code: str, snap_json: str, url: str, note: str | None, tz: str | None) -> bytes:
    return render_certificate_pdf(json.loads(snap_json), url, status_note=note, tz=tz)


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    """The certificate's PDF, from its snapshot alone (the cache key holds all it depends on)."""
    return _render(
        certificate.code,
        json.dumps(certificate.snapshot, sort_keys=True),
        verify_url,
        STATUS_NOTES.get(certificate.status),
        certificate.user.time_zone,  # the holder's, so an admin's copy is the same document
    )
