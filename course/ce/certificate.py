"""What CE adds to a certificate: issue rules (expiry, claims) and the frozen claim fields."""

from __future__ import annotations

from typing import Any

from course.ce.activity import load_activity
from course.ce.claims import claim_problems, claims_of
from course.ce.registry import PARTICIPATION, credit_type
from course.ce.services import issue_problem
from course.certificates.eligibility import CREDIT_TITLE, format_hours
from course.models import Course, User

FORMAT = "Enduring material, internet"


def issue_problems(user: User, course: Course) -> list[str]:
    """Why CE rules forbid issuing this learner's certificate now (empty: nothing)."""
    expired = issue_problem(course)
    return ([expired] if expired else []) + claim_problems(user, course)


def _participation(course: Course, hours: float) -> dict[str, Any]:
    """The participation entry for hours attested, capped at the designation's maximum."""
    activity = load_activity(course)
    designation = activity.participation() if activity else None
    accreditation = course.accreditation or {}
    statement = (
        designation.statement
        if designation
        else str(
            accreditation.get("participation_statement") or accreditation.get("statement") or ""
        )
    )
    cap = designation.max_credits if designation else hours
    return {
        "credit_type": PARTICIPATION,
        "label": credit_type(PARTICIPATION).label,
        "amount": min(float(hours), float(cap)),
        "max": float(cap),
        "statement": statement,
        "provider_number": designation.provider_number if designation else None,
    }


def _claims(user: User, course: Course, hours: float) -> list[dict[str, Any]]:
    """The learner's claims as snapshot entries (participation when none is a credit claim)."""
    activity = load_activity(course)
    if activity is None:
        return []
    by_type = {d.credit_type: d for d in activity.designations}
    entries = [
        {
            "credit_type": c.credit_type,
            "label": credit_type(c.credit_type).label,
            "amount": float(c.amount),
            "max": float(by_type[c.credit_type].max_credits),
            "statement": by_type[c.credit_type].statement,
            "provider_number": by_type[c.credit_type].provider_number,
        }
        for c in claims_of(user.id, course.id)
        if c.credit_type in by_type
    ]
    return entries or [_participation(course, hours)]


def certificate_fields(user: User, course: Course, hours: float) -> dict[str, Any]:
    """Snapshot fields frozen at issue: the claims, activity dates and format (or nothing)."""
    activity = load_activity(course)
    if activity is None:
        return {}
    info = activity.info
    claims = _claims(user, course, hours)
    accreditation = course.accreditation or {}
    fields: dict[str, Any] = {
        "ce": {
            "provider": info.provider if info else None,
            "format": info.format if info else FORMAT,
            "release_date": info.release_date.isoformat() if info else None,
            "review_date": info.review_date.isoformat() if info else None,
            "expiry_date": info.expiry_date.isoformat() if info else None,
            "accredited": bool(accreditation.get("accredited")),
            "accreditation_statement": str(accreditation.get("statement") or ""),
            "claims": claims,
        },
        # Open Badges: the first claim's amount and maximum (see ce/credentials.py).
        "credits_earned": claims[0]["amount"],
        "credits_available": claims[0]["max"],
    }
    credit = [c for c in claims if c["credit_type"] != PARTICIPATION]
    if credit:
        fields.update(
            achievement_name=f"{course.title} ({claims[0]['label']})",
            certificate_title=CREDIT_TITLE,
            credit_type=", ".join(c["label"] for c in credit),
            credit_amount=credit[0]["amount"],
            credit_line="; ".join(f"{c['label']}: {format_hours(c['amount'])}" for c in credit),
            credit_statement=str(accreditation.get("statement") or ""),
        )
    return fields
