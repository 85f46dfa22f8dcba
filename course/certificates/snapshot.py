"""What a certificate certifies: the frozen snapshot of learner, course, credit and issuer, and
the signed Open Badges credential built from it. Pure reads; nothing here writes."""

from __future__ import annotations

import secrets
from typing import Any

from course.ce.certificate import certificate_fields
from course.certificates import credential as vc
from course.certificates.eligibility import Eligibility, NotEligibleError, credit_for
from course.certificates.issuer import Issuer
from course.models import Course, User

PROFILE_FIELDS = ("full_name", "credential", "licence_number", "licence_state")


def _signatory(issuer: Issuer, actor: User | None) -> tuple[str, str]:
    """Name and title printed on the signature line: the configured signatory, else the issuer.

    Never the issuing admin's account name, which may be an email handle.
    """
    if issuer.signatory_name:
        return issuer.signatory_name, issuer.signatory_title or ""
    return issuer.name, issuer.signatory_title or ""


def profile_fields(user: User) -> dict[str, Any]:
    """The learner's identity as it stands right now."""
    return {
        "full_name": user.full_name,
        "credential": user.profession,
        "licence_number": user.licence_number,
        "licence_state": user.licence_state,
    }


def credit_fields(course: Course, profession: str | None, hours: float) -> dict[str, Any]:
    """Snapshot fields describing the credit (title, type, amount, line, statement)."""
    credit = credit_for(course, profession, hours)
    return {
        "certificate_title": credit.title,
        "credit_type": credit.credit_type,
        "credit_amount": credit.amount,
        "credit_line": credit.line,
        "credit_statement": credit.statement,
    }


def issuer_fields(issuer: Issuer, actor: User | None) -> dict[str, Any]:
    """Snapshot fields naming the issuer and the person (or system) who issued."""
    name, title = _signatory(issuer, actor)
    return {
        "issuer_name": issuer.name,
        "issued_by": {"id": actor.id, "name": actor.full_name} if actor else {"system": True},
        "signatory_name": name,
        "signatory_title": title,
    }


def draft_snapshot(
    user: User, course: Course, elig: Eligibility, issuer: Issuer, actor: User | None
) -> dict[str, Any]:
    """What a certificate will certify, from the current profile (code and time come later)."""
    if elig.attestation is None:
        raise NotEligibleError(f"{user.full_name} has not attested their time yet.")
    hours = float(elig.attestation.hours)
    score = elig.final_score
    return {
        "code": None,
        **profile_fields(user),
        "course_slug": course.slug,
        "course_title": course.title,
        "course_version": course.content_version or None,
        "achievement_description": course.summary or course.title,
        "hours": hours,
        "completion_date": elig.completion_date.isoformat(),
        "final_score": None if score is None else round(float(score), 4),
        **credit_fields(course, user.profession, hours),
        **issuer_fields(issuer, actor),
        "issued_at": None,
        **certificate_fields(user, course, hours),  # CE: claims, activity dates and format
    }


def sign_credential(
    snapshot: dict[str, Any], email: str, status_index: int, issuer: Issuer
) -> dict[str, Any]:
    """Build and sign the OpenBadgeCredential for a snapshot (email only hashed, salted)."""
    ring = issuer.keyring(create=True)
    key = ring.active
    did = issuer.did_for(key)
    unsigned = vc.build_credential(
        {**snapshot, "email": email},
        issuer={"id": did, "name": issuer.name, "url": issuer.home_url},
        credential_id=issuer.verify_url(snapshot["code"]),
        status={"list_url": issuer.status_list_url(ring.list_id(key)), "index": status_index},
        achievement_id=issuer.course_url(snapshot["course_slug"]),
        salt=secrets.token_hex(16),
    )
    created = vc.format_datetime(snapshot["issued_at"])
    return vc.sign(unsigned, key.private_key, key.verification_method(did), created=created)
