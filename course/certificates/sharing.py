"""Sharing a certificate: LinkedIn's public add-to-profile link, filled from the snapshot."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from course.models import Certificate

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"


def linkedin_url(certificate: Certificate, verify_url: str) -> str:
    """The 'Add to profile' link: certificate name, issuer, issue month, verify URL and code."""
    snap = certificate.snapshot
    issued = datetime.fromisoformat(str(snap.get("issued_at") or certificate.issued_at.isoformat()))
    title = snap.get("certificate_title") or "Certificate of Completion"
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": f"{snap['course_title']} ({title})",
        "organizationName": snap.get("issuer_name") or "Practicum",
        "issueYear": issued.year,
        "issueMonth": issued.month,
        "certUrl": verify_url,
        "certId": certificate.code,
    }
    return f"{LINKEDIN_ADD}?{urlencode(params)}"
