"""The one next step a learner sees on every page: learn, then evaluation, then credit claim,
then awaiting approval, then the certificate. No page is a dead end."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from course.certificates.eligibility import Eligibility, load_eligibility
from course.learning.progress import CourseState


@dataclass(frozen=True)
class NextStep:
    """What to do next in a course: a label, a link (endpoint and values) and a sentence."""

    key: str  # learn | evaluation | attestation | awaiting | certificate
    label: str
    endpoint: str
    values: dict[str, object] = field(default_factory=dict)
    note: str = ""


def after_course(course_slug: str, elig: Eligibility) -> NextStep:
    """The end-of-course step for a learner who completed every module and the final exam."""
    slug = {"course_slug": course_slug}
    if elig.certificate is not None:
        code = {"code": elig.certificate.code}
        note = f"Your certificate {elig.certificate.code} has been issued."
        return NextStep(
            "certificate", "Download your certificate", "certificates.download", code, note
        )
    if elig.evaluation is None:
        note = "Course complete. Next, evaluate the course; then claim your credit."
        return NextStep("evaluation", "Evaluate the course", "certificates.evaluation", slug, note)
    if elig.attestation is None:
        note = "Evaluation received. Next, attest your time and claim your credit."
        return NextStep("attestation", "Claim your credit", "certificates.attestation", slug, note)
    note = (
        "Every step is done: your certificate is being issued."
        if elig.state.course.rules.auto_issue
        else "Every step is done: your certificate is awaiting approval by an administrator."
    )
    return NextStep("awaiting", "See My certificates", "certificates.mine", {}, note)


def next_step(user_id: int, state: CourseState) -> NextStep | None:
    """The single most useful next action in this course (None: not enrolled)."""
    if state.enrollment is None:
        return None
    step = state.next_step
    if step is not None:
        return NextStep("learn", step[0], step[1], dict(step[2]))
    if not state.course_complete:
        return None
    return after_course(state.course.slug, load_eligibility(user_id, state.course, state))


def next_steps(user_id: int, states: Iterable[CourseState | None]) -> dict[int, NextStep | None]:
    """Each course's next step, keyed by course id, for the views to hand their templates
    (_partials/next_step.html reads `next_steps[state.course.id]`)."""
    return {s.course.id: next_step(user_id, s) for s in states if s is not None}
