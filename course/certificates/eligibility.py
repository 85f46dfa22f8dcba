"""What stands between a learner and a certificate, and the learner's own steps towards it.

Eligibility = every module complete + final exam passed + course evaluation submitted + time
attested. The credit wording a certificate may use comes from course.accreditation and the
learner's profession. Services here flush but never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError

from course import clock
from course.extensions import db
from course.learning.progress import CourseState, load_course_states
from course.models import (
    Certificate,
    CertificateStatus,
    Course,
    CourseEvaluation,
    TimeAttestation,
)

COMPLETION_TITLE = "Certificate of Completion"
PARTICIPATION_TITLE = "Certificate of Participation"
CREDIT_TITLE = "Certificate of Credit"


class CertificateError(Exception):
    """A certificate rule stops the action; the message says why, in plain words."""


class NotEligibleError(CertificateError):
    """The learner has steps left before a certificate can be issued."""


@dataclass(frozen=True)
class Step:
    """One requirement for a certificate and whether the learner has met it."""

    key: str
    label: str
    done: bool
    detail: str = ""


@dataclass
class Eligibility:
    """A learner's standing towards a course certificate."""

    state: CourseState
    evaluation: CourseEvaluation | None
    attestation: TimeAttestation | None
    certificate: Certificate | None
    steps: list[Step]

    @property
    def eligible(self) -> bool:
        """Every step is done."""
        return all(step.done for step in self.steps)

    @property
    def missing(self) -> list[Step]:
        """Steps still to do, in order."""
        return [step for step in self.steps if not step.done]

    @property
    def reason(self) -> str:
        """A sentence listing what is missing (empty when eligible)."""
        parts = [s.label.lower() + (f" ({s.detail})" if s.detail else "") for s in self.missing]
        return "; ".join(parts)

    @property
    def completion_date(self) -> date:
        """When the course was completed (enrolment stamp, else the final pass, else today)."""
        enrollment = self.state.enrollment
        if enrollment is not None and enrollment.completed_at is not None:
            return enrollment.completed_at.date()
        final = self.state.final
        if final is not None and final.last_submitted_at is not None:
            return final.last_submitted_at.date()
        return clock.now().date()

    @property
    def final_score(self) -> float | None:
        """Best final exam score (None when the course has no final exam)."""
        final = self.state.final
        return None if final is None else final.best_score


def current_certificate(user_id: int, course_id: int) -> Certificate | None:
    """Return the learner's valid certificate for a course, if any."""
    return db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == user_id,
            Certificate.course_id == course_id,
            Certificate.status == CertificateStatus.VALID,
        )
    )


def _records(
    user_id: int, course_id: int
) -> tuple[CourseEvaluation | None, TimeAttestation | None, Certificate | None]:
    """The learner's evaluation, attestation and valid certificate for a course, in one query."""
    row = db.session.execute(
        select(CourseEvaluation, TimeAttestation, Certificate)
        .select_from(Course)
        .outerjoin(
            CourseEvaluation,
            and_(CourseEvaluation.course_id == Course.id, CourseEvaluation.user_id == user_id),
        )
        .outerjoin(
            TimeAttestation,
            and_(TimeAttestation.course_id == Course.id, TimeAttestation.user_id == user_id),
        )
        .outerjoin(
            Certificate,
            and_(
                Certificate.course_id == Course.id,
                Certificate.user_id == user_id,
                Certificate.status == CertificateStatus.VALID,
            ),
        )
        .where(Course.id == course_id)
    ).first()
    return (row[0], row[1], row[2]) if row else (None, None, None)


def build_steps(
    state: CourseState,
    evaluation: CourseEvaluation | None,
    attestation: TimeAttestation | None,
) -> list[Step]:
    """List the certificate requirements for this learner, in the order they are met."""
    modules = Step(
        "modules",
        "Complete every module",
        state.enrollment is not None and state.modules_complete,
        f"{state.completed_count} of {len(state.modules)} complete",
    )
    steps = [modules]
    if state.final is not None:
        steps.append(Step("final", "Pass the final exam", state.final.passed))
    steps.append(Step("evaluation", "Submit the course evaluation", evaluation is not None))
    hours = format_hours(state.course.max_hours)
    detail = f"{format_hours(attestation.hours)} hours attested" if attestation else ""
    label = f"Attest the time you spent (up to {hours} hours)"
    steps.append(Step("attestation", label, attestation is not None, detail))
    return steps


def load_eligibility(user_id: int, course: Course, state: CourseState | None = None) -> Eligibility:
    """Load a learner's progress, evaluation, attestation and valid certificate for a course."""
    if state is None:
        states = load_course_states(user_id, course.slug)
        if not states:
            raise CertificateError(f"The course {course.title!r} is not published.")
        state = states[0]
    evaluation, attestation, certificate = _records(user_id, course.id)
    return Eligibility(
        state=state,
        evaluation=evaluation,
        attestation=attestation,
        certificate=certificate,
        steps=build_steps(state, evaluation, attestation),
    )


def format_hours(hours: float) -> str:
    """Format hours with one or two decimals: 2.0, 1.5, 1.75."""
    text = f"{float(hours):.2f}"
    return text[:-1] if text.endswith("0") else text


def hours_problem(value: Any, max_hours: float) -> str | None:
    """Explain what is wrong with claimed hours (quarter-hour steps, > 0, <= max), or None."""
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return "Enter the hours as a number, for example 1.75."
    if not hours.is_finite() or hours <= 0:
        return "Hours must be more than 0."
    if hours > Decimal(str(max_hours)):  # first: 1e100 * 4 % 1 raises DivisionImpossible
        return f"Hours cannot exceed the course maximum of {format_hours(max_hours)}."
    if (hours * 4) % 1 != 0:
        return "Hours must be in quarter-hour steps (a multiple of 0.25), e.g. 1.25 or 1.5."
    return None


def _require_complete(elig: Eligibility) -> None:
    """Raise unless the course itself (modules and final exam) is complete."""
    if elig.state.enrollment is None or not elig.state.course_complete:
        raise NotEligibleError(
            "This step opens once you have completed every module and passed the final exam."
        )
    if elig.certificate is not None:
        raise CertificateError("Your certificate has already been issued for this course.")


def record_evaluation(user_id: int, course: Course, answers: dict[str, Any]) -> CourseEvaluation:
    """Store a learner's course evaluation once, after the course is complete."""
    elig = load_eligibility(user_id, course)
    _require_complete(elig)
    if elig.evaluation is not None:
        raise CertificateError("You have already submitted the evaluation for this course.")
    evaluation = CourseEvaluation(
        user_id=user_id,
        course_id=course.id,
        objectives_met=int(answers["objectives_met"]),
        relevance=int(answers["relevance"]),
        free_of_bias=bool(answers["free_of_bias"]),
        bias_comment=str(answers.get("bias_comment") or "").strip(),
        intended_change=str(answers.get("intended_change") or "").strip(),
        comments=str(answers.get("comments") or "").strip(),
        change_confidence=answers.get("change_confidence"),
        submitted_at=clock.now(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(evaluation)
            db.session.flush()
    except IntegrityError as exc:
        raise CertificateError(
            "You have already submitted the evaluation for this course."
        ) from exc
    return evaluation


def record_attestation(user_id: int, course: Course, hours: Any) -> TimeAttestation:
    """Store (or, before issue, correct) the hours a learner attests for a course."""
    elig = load_eligibility(user_id, course)
    _require_complete(elig)
    problem = hours_problem(hours, course.max_hours)
    if problem:
        raise CertificateError(problem)
    attestation = elig.attestation
    if attestation is None:
        attestation = TimeAttestation(user_id=user_id, course_id=course.id)
        db.session.add(attestation)
    attestation.hours = float(Decimal(str(hours).strip()))
    attestation.attested_at = clock.now()
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise CertificateError("Your time was attested at the same moment; reload.") from exc
    return attestation


@dataclass(frozen=True)
class Credit:
    """The credit wording a certificate carries for one learner."""

    title: str
    credit_type: str
    amount: float
    line: str
    statement: str


def _matching_credit(accreditation: dict[str, Any], profession: str) -> dict[str, Any] | None:
    """The first designated credit type open to this profession (empty list: everyone)."""
    for entry in accreditation.get("credits") or []:
        allowed = entry.get("professions") or []
        if not allowed or profession in allowed:
            return entry
    return None


def credit_for(course: Course, profession: str | None, hours: float) -> Credit:
    """Word the credit for a learner: a designated credit, or hours of participation."""
    accreditation = course.accreditation or {}
    statement = str(accreditation.get("statement") or "").strip()
    shown = format_hours(hours)
    if not accreditation.get("accredited"):
        # "Contact hours" is accredited nursing-CE language; an unaccredited course never uses it.
        line = f"{shown} hours of participation"
        return Credit(COMPLETION_TITLE, "participation", float(hours), line, statement)
    entry = _matching_credit(accreditation, profession or "")
    if entry is None:
        extra = str(accreditation.get("participation_statement") or "").strip()
        line = f"{shown} hours of participation"
        joined = " ".join(part for part in (statement, extra) if part)
        return Credit(PARTICIPATION_TITLE, "participation", float(hours), line, joined)
    amount = min(float(hours), float(entry["amount"]))
    line = f"{entry['type']}: {format_hours(amount)}"
    joined = " ".join(part for part in (statement, str(entry.get("statement") or "")) if part)
    return Credit(CREDIT_TITLE, str(entry["type"]), amount, line, joined)
