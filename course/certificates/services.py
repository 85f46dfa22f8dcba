"""Issue, revoke and reissue certificates, and sign each one's Open Badges 3.0 credential.

A certificate is a record first: a frozen snapshot taken at issue, never re-rendered from live
profile data and never deleted. Services take explicit arguments, flush but never commit.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from course import clock
from course.audit import record_audit
from course.ce.certificate import certificate_fields, issue_problems
from course.ce.credentials import sign_further_claims
from course.certificates import credential as vc
from course.certificates.codes import new_code
from course.certificates.eligibility import (
    CertificateError,
    Eligibility,
    NotEligibleError,
    credit_for,
    current_certificate,
    load_eligibility,
)
from course.certificates.issuer import Issuer
from course.extensions import db
from course.models import Certificate, CertificateStatus, Course, User

INSERT_TRIES = 25  # each clash means another issuer just committed; they queue, then pass
PROFILE_FIELDS = ("full_name", "credential", "licence_number", "licence_state")


class AlreadyIssuedError(CertificateError):
    """The learner already holds a valid certificate for this course."""


def _signatory(issuer: Issuer, actor: User | None) -> tuple[str, str]:
    """Name and title printed on the signature line: the configured signatory, else the issuer.

    Never the issuing admin's account name, which may be an email handle.
    """
    if issuer.signatory_name:
        return issuer.signatory_name, issuer.signatory_title or ""
    return issuer.name, issuer.signatory_title or ""


def _profile(user: User) -> dict[str, Any]:
    """The learner's identity as it stands right now."""
    return {
        "full_name": user.full_name,
        "credential": user.profession,
        "licence_number": user.licence_number,
        "licence_state": user.licence_state,
    }


def _credit_fields(course: Course, profession: str | None, hours: float) -> dict[str, Any]:
    """Snapshot fields describing the credit (title, type, amount, line, statement)."""
    credit = credit_for(course, profession, hours)
    return {
        "certificate_title": credit.title,
        "credit_type": credit.credit_type,
        "credit_amount": credit.amount,
        "credit_line": credit.line,
        "credit_statement": credit.statement,
    }


def _issuer_fields(issuer: Issuer, actor: User | None) -> dict[str, Any]:
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
        **_profile(user),
        "course_slug": course.slug,
        "course_title": course.title,
        "course_version": course.content_version or None,
        "achievement_description": course.summary or course.title,
        "hours": hours,
        "completion_date": elig.completion_date.isoformat(),
        "final_score": None if score is None else round(float(score), 4),
        **_credit_fields(course, user.profession, hours),
        **_issuer_fields(issuer, actor),
        "issued_at": None,
        **certificate_fields(user, course, hours),  # CE: claims, activity dates and format
    }


def _next_status_index() -> int:
    """The next free bit in the status list: max + 1 (uniqueness is enforced on insert)."""
    highest = db.session.scalar(select(func.max(Certificate.status_index)))
    return 0 if highest is None else highest + 1


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
        "certificate.issue",
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
        "certificate.revoke",
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
        **_profile(user),
        **_credit_fields(course, user.profession, float(old["hours"])),
        **_issuer_fields(issuer, actor),
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
        "certificate.reissue",
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
