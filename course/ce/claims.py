"""Credit claims: the time attestation becomes a claim for each designation open to the
learner's profession, in quarter-hour steps up to the designation's maximum.

Learners whose profession is eligible for no credit designation receive participation for
the hours they attest. A claim is checked again at issue, since the profession may have
changed after it was made. Services flush but never commit.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import delete, select

from course import clock
from course.ce.activity import load_activity
from course.ce.registry import credit_type
from course.certificates.eligibility import CertificateError, format_hours, record_attestation
from course.extensions import db
from course.models import Course, CreditClaim, User

MAX_TEXT = 20


class ClaimProblem(CertificateError):
    """Some claimed amounts are wrong; `errors` maps each form field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def field_name(key: str) -> str:
    """The form field of a designation's claim."""
    return f"claim_{key}"


def amount_problem(value: Any, cap: float) -> str | None:
    """What is wrong with a claimed amount (quarter steps, > 0, <= cap), or None."""
    text = str(value if value is not None else "").strip()
    if not text:
        return "Enter the credit you claim, for example 1.75."
    try:
        amount = Decimal(text[:MAX_TEXT]) if len(text) <= MAX_TEXT else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        return "Enter the credit as a number, for example 1.75."
    if amount <= 0:
        return "Credit must be more than 0."
    if amount > Decimal(str(cap)):  # before the step check: 1e100 * 4 % 1 cannot be computed
        return f"You can claim at most {format_hours(cap)} (no more than the time you attested)."
    if (amount * 4) % 1 != 0:
        return "Credit must be in quarter-hour steps (a multiple of 0.25), e.g. 1.25."
    return None


def claims_of(user_id: int, course_id: int) -> list[CreditClaim]:
    """A learner's claims for a course."""
    return list(
        db.session.scalars(
            select(CreditClaim)
            .where(CreditClaim.user_id == user_id, CreditClaim.course_id == course_id)
            .order_by(CreditClaim.id)
        )
    )


def _unknown(amounts: dict[str, Any], open_keys: set[str], profession: str) -> dict[str, str]:
    """Errors for claims the learner's profession may not make (or unknown types)."""
    errors = {}
    for key in sorted(set(amounts) - open_keys):
        try:
            label = credit_type(key).label
        except KeyError:
            label = "an unknown credit type"
        errors[field_name(key)[:60]] = f"{label} is not open to your profession ({profession})."
    return errors


def record_claims(
    user: User, course: Course, hours: Any, amounts: dict[str, Any]
) -> list[CreditClaim]:
    """Attest the hours and claim credit for every designation open to the learner (learner)."""
    activity = load_activity(course)
    offers = activity.eligible(user.profession) if activity else []
    errors = _unknown(amounts, {d.credit_type for d in offers}, user.profession)
    if errors:
        raise ClaimProblem(errors)
    attestation = record_attestation(user.id, course, hours)
    for d in offers:
        problem = amount_problem(amounts.get(d.credit_type), min(d.max_credits, attestation.hours))
        if problem:
            errors[field_name(d.credit_type)] = problem
    if errors:
        raise ClaimProblem(errors)
    db.session.execute(
        delete(CreditClaim).where(
            CreditClaim.user_id == user.id, CreditClaim.course_id == course.id
        )
    )
    claims = [
        CreditClaim(
            user_id=user.id,
            course_id=course.id,
            credit_type=d.credit_type,
            amount=float(Decimal(str(amounts[d.credit_type]).strip())),
            profession=user.profession,
            claimed_at=clock.now(),
        )
        for d in offers
    ]
    db.session.add_all(claims)
    db.session.flush()
    return claims


def claim_problems(user: User, course: Course) -> list[str]:
    """Why the learner's claims cannot go on a certificate as they stand (empty: fine)."""
    activity = load_activity(course)
    if activity is None or not activity.credit_designations:
        return []
    eligible = {d.credit_type: d for d in activity.eligible(user.profession)}
    claims = claims_of(user.id, course.id)
    if not claims:
        return [f"{user.full_name} has not claimed credit yet."] if eligible else []
    claimed = {c.credit_type: c for c in claims}
    if set(claimed) != set(eligible):
        was = ", ".join(credit_type(k).label for k in claimed)
        now = ", ".join(credit_type(k).label for k in eligible) or "participation only"
        return [
            f"The credit claimed as {claims[0].profession} ({was}) does not match what a "
            f"{user.profession} may claim ({now}): the claim must be made again."
        ]
    return [
        f"{credit_type(k).label}: {format_hours(c.amount)} claimed, more than the maximum "
        f"of {format_hours(eligible[k].max_credits)}."
        for k, c in claimed.items()
        if c.amount > eligible[k].max_credits
    ]
