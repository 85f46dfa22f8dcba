"""Issue, revoke and reissue certificates (the snapshot and its credential: snapshot.py).

A certificate is a record first: a frozen snapshot taken at issue, never re-rendered from live
profile data and never deleted. Services take explicit arguments, flush but never commit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from course import clock
from course.audit import record_audit
from course.audit_actions import AuditAction
from course.ce.certificate import issue_problems
from course.ce.credentials import sign_further_claims
from course.certificates.codes import new_code
from course.certificates.eligibility import (
    CertificateError,
    NotEligibleError,
    current_certificate,
    load_eligibility,
)
from course.certificates.issuer import Issuer
from course.certificates.snapshot import (
    PROFILE_FIELDS,
    credit_fields,
    draft_snapshot,
    issuer_fields,
    profile_fields,
    sign_credential,
)
from course.extensions import db
from course.models import Certificate, CertificateStatus, Course, User

INSERT_TRIES = 25  # each clash means another issuer just committed; they queue, then pass


class AlreadyIssuedError(CertificateError):
    """The learner already holds a valid certificate for this course."""


def _next_status_index() -> int:
    """The next free bit in the status list: max + 1 (uniqueness is enforced on insert)."""
    highest = db.session.scalar(select(func.max(Certificate.status_index)))
    return 0 if highest is None else highest + 1


def insert_certificate(
    user: User,
    course: Course,
    draft: dict[str, Any],
    issuer: Issuer,
    actor: User | None,
    supersedes: Certificate | None = None,
) -> Certificate:
    """Insert a certificate row (no eligibility check: callers decide); code clashes retry."""
    now = clock.now()
    for _ in range(INSERT_TRIES):
        code, index = new_code(), _next_status_index()
        snapshot = {**draft, "code": code, "issued_at": now.isoformat()}
        certificate = Certificate(
            code=code,
            user_id=user.id,
            course_id=course.id,
            status=CertificateStatus.VALID,
            snapshot=snapshot,
            status_index=index,
            issued_at=now,
            issued_by_id=actor.id if actor else None,
            supersedes_id=supersedes.id if supersedes else None,
        )
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
                db.session.flush()
        except IntegrityError:
            if current_certificate(user.id, course.id) is not None:
                raise AlreadyIssuedError(_already_issued(user, course)) from None
            continue
        certificate.credential = sign_credential(snapshot, user.email, index, issuer)
        sign_further_claims(certificate, user.email, issuer)  # CE: one credential per claim
        return certificate
    raise CertificateError("Could not allocate a unique certificate code; please try again.")


def _already_issued(user: User, course: Course) -> str:
    return (
        f"{user.full_name} already holds a valid certificate for {course.title!r}; "
        "nothing was issued twice (another admin may have issued it a moment ago)."
    )


def issue_certificate(
    user: User,
    course: Course,
    issuer: Issuer,
    actor: User | None,
    *,
    details: dict[str, Any] | None = None,
) -> Certificate:
    """Issue a certificate to an eligible learner (admins, or the system when actor is None)."""
    elig = load_eligibility(user.id, course)
    if elig.certificate is not None:
        raise AlreadyIssuedError(_already_issued(user, course))
    if not elig.eligible:
        raise NotEligibleError(f"{user.full_name} is not eligible yet: {elig.reason}.")
    if ce_problems := issue_problems(user, course):
        raise NotEligibleError(f"No certificate for {user.full_name}: " + " ".join(ce_problems))
    if not user.email_verified:
        raise NotEligibleError(
            f"{user.full_name} has not confirmed their email address yet; certificates go "
            "only to confirmed addresses."
        )
    certificate = insert_certificate(
        user, course, draft_snapshot(user, course, elig, issuer, actor), issuer, actor
    )
    record_audit(
        actor,
        AuditAction.CERTIFICATE_ISSUE,
        "certificate",
        certificate.id,
        reason="automatic issue on eligibility" if actor is None else "",
        details={
            "code": certificate.code,
            "user_id": user.id,
            "full_name": user.full_name,
            "course": course.slug,
            "hours": certificate.snapshot["hours"],
            "credit_line": certificate.snapshot["credit_line"],
            **(details or {}),
        },
    )
    return certificate


def auto_issue_if_ready(
    user: User, course: Course, issuer: Issuer, trigger: str
) -> Certificate | None:
    """With policy "auto", issue as soon as the learner is eligible (actor: the system)."""
    if not course.rules.auto_issue:
        return None
    elig = load_eligibility(user.id, course)
    if (
        not elig.eligible
        or elig.certificate is not None
        or not user.email_verified
        or issue_problems(user, course)
    ):
        return None
    try:
        return issue_certificate(
            user, course, issuer, None, details={"auto": True, "trigger": trigger}
        )
    except AlreadyIssuedError:
        return None


def _claim_valid(certificate: Certificate, **values: Any) -> None:
    """Change a VALID certificate's status atomically; fail clearly if it already changed."""
    changed = db.session.execute(
        update(Certificate)
        .where(Certificate.id == certificate.id, Certificate.status == CertificateStatus.VALID)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(certificate)
    if not changed:
        raise CertificateError(
            f"Certificate {certificate.code} is {certificate.status.value}, not valid; "
            "nothing was changed."
        )


def _require_reason(reason: str, action: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(f"Give a reason for the {action}.")
    return reason


def revoke_certificate(certificate: Certificate, actor: User, reason: str) -> Certificate:
    """Revoke a valid certificate with a reason (admins); the row and its history stay."""
    reason = _require_reason(reason, "revocation")
    _claim_valid(
        certificate,
        status=CertificateStatus.REVOKED,
        revoked_at=clock.now(),
        revoked_by_id=actor.id,
        revoke_reason=reason,
    )
    record_audit(
        actor,
        AuditAction.CERTIFICATE_REVOKE,
        "certificate",
        certificate.id,
        reason=reason,
        details={"code": certificate.code, "user_id": certificate.user_id},
    )
    return certificate


def reissue_draft(certificate: Certificate, issuer: Issuer, actor: User) -> dict[str, Any]:
    """The snapshot a reissue would freeze: current profile, the original completion record."""
    user, course = certificate.user, certificate.course
    old = certificate.snapshot
    return {
        **old,
        "code": None,
        "issued_at": None,
        **profile_fields(user),
        **credit_fields(course, user.profession, float(old["hours"])),
        **issuer_fields(issuer, actor),
    }


def reissue_certificate(
    certificate: Certificate, issuer: Issuer, actor: User, reason: str
) -> Certificate:
    """Replace a valid certificate with a new one from the current profile (admins)."""
    reason = _require_reason(reason, "reissue")
    draft = reissue_draft(certificate, issuer, actor)
    _claim_valid(certificate, status=CertificateStatus.SUPERSEDED)
    new = insert_certificate(
        certificate.user, certificate.course, draft, issuer, actor, supersedes=certificate
    )
    certificate.superseded_by_id = new.id
    db.session.flush()
    changed = {k: [certificate.snapshot.get(k), draft.get(k)] for k in PROFILE_FIELDS}
    record_audit(
        actor,
        AuditAction.CERTIFICATE_REISSUE,
        "certificate",
        new.id,
        reason=reason,
        details={
            "code": new.code,
            "supersedes": certificate.code,
            "user_id": certificate.user_id,
            "changes": {k: v for k, v in changed.items() if v[0] != v[1]},
        },
    )
    return new
