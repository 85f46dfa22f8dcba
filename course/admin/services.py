"""Admin services: the audit log, the certificate queue with its evidence, and user roles.

Plain functions with explicit arguments; they flush but never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import selectinload

from course.audit import record_audit
from course.audit_actions import AuditAction
from course.certificates.eligibility import CertificateError
from course.certificates.issuer import Issuer
from course.extensions import db
from course.models import (
    Attempt,
    AttemptStatus,
    Certificate,
    CertificateStatus,
    Course,
    CourseEvaluation,
    Enrollment,
    Quiz,
    QuizKind,
    Role,
    TimeAttestation,
    User,
)


class AdminError(Exception):
    """An admin action is not allowed; the message says why."""


def role_change_problem(actor: User, user: User, role: Role) -> str | None:
    """Explain why this role change is not allowed, or return None."""
    if user.id == actor.id and role != Role.ADMIN:
        return "You cannot remove your own admin role; ask another admin to do it."
    return None


def change_role(actor: User, user: User, role: Role, reason: str = "") -> bool:
    """Give a user a new role (admins; never demoting oneself); return False if unchanged."""
    problem = role_change_problem(actor, user, role)
    if problem:
        raise AdminError(problem)
    if user.role == role:
        return False
    before = user.role
    user.role = role
    db.session.flush()
    record_audit(
        actor,
        AuditAction.USER_ROLE_CHANGE,
        "user",
        user.id,
        reason=reason,
        details={"email": user.email, "from": before.value, "to": role.value},
    )
    return True


@dataclass(frozen=True)
class QueueRow:
    """An eligible learner awaiting a certificate, with the evidence for it."""

    enrollment: Enrollment
    user: User
    course: Course
    evaluation: CourseEvaluation
    attestation: TimeAttestation
    final_score: float | None
    final_passed_at: datetime | None
    revoked: Certificate | None = None  # the latest revoked certificate: no bulk issue then


def _final_results() -> Any:
    """Per learner and course: best final exam score and the first passing submission."""
    submitted = Attempt.status == AttemptStatus.SUBMITTED
    return (
        select(
            Attempt.user_id.label("user_id"),
            Quiz.course_id.label("course_id"),
            func.max(case((submitted, Attempt.score))).label("best"),
            func.min(case((and_(submitted, Attempt.passed), Attempt.submitted_at))).label(
                "passed_at"
            ),
        )
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Quiz.kind == QuizKind.FINAL)
        .group_by(Attempt.user_id, Quiz.course_id)
        .subquery()
    )


def certificate_queue(enrollment_ids: Iterable[int] | None = None) -> list[QueueRow]:
    """Learners who completed a course, evaluated it and attested time, with no valid certificate.

    One query. Pass enrollment_ids to restrict the queue to a selection.
    """
    final = _final_results()
    has_valid = exists().where(
        Certificate.user_id == Enrollment.user_id,
        Certificate.course_id == Enrollment.course_id,
        Certificate.status == CertificateStatus.VALID,
    )
    stmt = (
        select(
            Enrollment,
            User,
            Course,
            CourseEvaluation,
            TimeAttestation,
            final.c.best,
            final.c.passed_at,
        )
        .join(User, User.id == Enrollment.user_id)
        .join(Course, Course.id == Enrollment.course_id)
        .join(
            CourseEvaluation,
            and_(
                CourseEvaluation.user_id == Enrollment.user_id,
                CourseEvaluation.course_id == Enrollment.course_id,
            ),
        )
        .join(
            TimeAttestation,
            and_(
                TimeAttestation.user_id == Enrollment.user_id,
                TimeAttestation.course_id == Enrollment.course_id,
            ),
        )
        .outerjoin(
            final,
            and_(final.c.user_id == Enrollment.user_id, final.c.course_id == Enrollment.course_id),
        )
        .where(Enrollment.completed_at.is_not(None), ~has_valid)
        .order_by(Enrollment.completed_at, Enrollment.id)
    )
    if enrollment_ids is not None:
        stmt = stmt.where(Enrollment.id.in_(list(enrollment_ids)))
    rows = [QueueRow(*row) for row in db.session.execute(stmt)]
    revoked = latest_revoked({(r.user.id, r.course.id) for r in rows})
    return [replace(r, revoked=revoked.get((r.user.id, r.course.id))) for r in rows]


def latest_revoked(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], Certificate]:
    """Per (learner, course): the most recently revoked certificate, if any (one query)."""
    if not pairs:
        return {}
    users = {user_id for user_id, _ in pairs}
    found: dict[tuple[int, int], Certificate] = {}
    for cert in db.session.scalars(
        select(Certificate)
        .where(Certificate.status == CertificateStatus.REVOKED, Certificate.user_id.in_(users))
        .order_by(Certificate.revoked_at, Certificate.id)
    ):
        if (cert.user_id, cert.course_id) in pairs:
            found[(cert.user_id, cert.course_id)] = cert
    return found


def revoked_note(certificate: Certificate) -> str:
    """Why a learner is kept out of bulk issue: their earlier certificate was revoked."""
    return (
        f"certificate {certificate.code} was revoked ({certificate.revoke_reason}); "
        "issue to them only one at a time, after confirming the reason no longer applies."
    )


@dataclass
class BulkResult:
    """What a bulk issue did: certificates issued and learners skipped (with the reason)."""

    issued: list[Certificate] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def issue_many(
    enrollment_ids: Iterable[int],
    issuer: Issuer,
    actor: User,
    *,
    after_revocation: Iterable[int] = (),
) -> BulkResult:
    """Issue certificates to the selected enrolments in one transaction; skip and explain others.

    A learner whose certificate was revoked is skipped unless their enrolment is listed in
    ``after_revocation`` (an explicit, per-learner confirmation).
    """
    # Imported here: certificate services record their audit entries through this module.
    from course.certificates.services import issue_certificate

    result = BulkResult()
    ids = sorted(set(enrollment_ids))
    enrollments = db.session.scalars(
        select(Enrollment)
        .options(selectinload(Enrollment.user), selectinload(Enrollment.course))
        .where(Enrollment.id.in_(ids))
        .order_by(Enrollment.id)
    ).all()
    revoked = latest_revoked({(e.user_id, e.course_id) for e in enrollments})
    confirmed = set(after_revocation)
    for enrollment in enrollments:
        previous = revoked.get((enrollment.user_id, enrollment.course_id))
        if previous is not None and enrollment.id not in confirmed:
            result.skipped.append((enrollment.user.full_name, revoked_note(previous)))
            continue
        extra = {"after_revocation": previous.code} if previous is not None else None
        try:
            result.issued.append(
                issue_certificate(enrollment.user, enrollment.course, issuer, actor, details=extra)
            )
        except CertificateError as exc:
            result.skipped.append((enrollment.user.full_name, str(exc)))
    return result
