"""One Open Badges credential per credit claim.

OB 3.0's ``creditsEarned`` is a bare number: the credit type lives in the Achievement. So a
certificate whose learner claimed two credit types (say ANCC contact hours and IPCE credit)
cannot say both in one standard credential. Rather than invent an extension every verifier
would have to learn, each claim gets its own credential: an Achievement per course and credit
type (``<course URL>#<type>``, named "<title> (<credit type>)") with ``creditsAvailable`` the
designation's maximum and ``creditsEarned`` the amount claimed. The certificate's own
credential carries the first claim; further claims are stored as ClaimCredential rows. All of
them point at the certificate's status-list bit, so revoking the certificate revokes them all.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select

from course.certificates import credential as vc
from course.certificates.issuer import Issuer
from course.extensions import db
from course.models import Certificate, ClaimCredential


def claim_snapshot(snapshot: dict[str, Any], claim: dict[str, Any]) -> dict[str, Any]:
    """The snapshot as one claim's credential sees it: its achievement and its credits."""
    return {
        **snapshot,
        "achievement_name": f"{snapshot['course_title']} ({claim['label']})",
        "credits_earned": claim["amount"],
        "credits_available": claim["max"],
    }


def sign_claim(
    snapshot: dict[str, Any], claim: dict[str, Any], email: str, index: int, issuer: Issuer
) -> dict[str, Any]:
    """Build and sign the credential for one further claim (email hashed with a fresh salt)."""
    ring = issuer.keyring(create=True)
    key = ring.active  # the certificate's own key, so the claim shares its status list and bit
    did = issuer.did_for(key)
    fragment = f"#{claim['credit_type']}"
    unsigned = vc.build_credential(
        {**claim_snapshot(snapshot, claim), "email": email},
        issuer={"id": did, "name": issuer.name, "url": issuer.home_url},
        credential_id=issuer.verify_url(snapshot["code"]) + fragment,
        status={"list_url": issuer.status_list_url(ring.list_id(key)), "index": index},
        achievement_id=issuer.course_url(snapshot["course_slug"]) + fragment,
        salt=secrets.token_hex(16),
    )
    created = vc.format_datetime(snapshot["issued_at"])
    return vc.sign(unsigned, key.private_key, key.verification_method(did), created=created)


def sign_further_claims(certificate: Certificate, email: str, issuer: Issuer) -> None:
    """Store a signed credential for every claim after the first (flushes)."""
    claims = (certificate.snapshot.get("ce") or {}).get("claims") or []
    for claim in claims[1:]:
        db.session.add(
            ClaimCredential(
                certificate_id=certificate.id,
                credit_type=claim["credit_type"],
                credential=sign_claim(
                    certificate.snapshot, claim, email, certificate.status_index, issuer
                ),
            )
        )
    db.session.flush()


def claim_credentials(certificate: Certificate) -> list[ClaimCredential]:
    """The further claims' credentials of a certificate."""
    return list(
        db.session.scalars(
            select(ClaimCredential)
            .where(ClaimCredential.certificate_id == certificate.id)
            .order_by(ClaimCredential.id)
        )
    )
