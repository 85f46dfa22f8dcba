"""Outcomes: knowledge gain (pre-test vs the final's first attempt), commitment to change,
and the follow-up survey some days after completion. Services flush but never commit.

`invite_to_follow_up` records the invitation and composes its email (course/mail.py), which
`flask ce invite-follow-ups` queues after its commit; the dashboard lists open surveys too.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from statistics import mean
from typing import Any

from sqlalchemy import Select, bindparam, select

from course.ce.activity import load_activity
from course.ce.schema import Outcomes
from course.extensions import db
from course.mail import compose
from course.models import (
    Attempt,
    AttemptStatus,
    CeActivity,
    Certificate,
    CertificateStatus,
    Course,
    CourseEvaluation,
    FollowUp,
    PreTest,
    Quiz,
    QuizKind,
    User,
)
from course.urls import public_url

SMALL_N = 20  # like the item analysis: below this many learners, figures carry a caution
DEFAULT_DAYS: int = Outcomes.model_fields["follow_up_days"].default
MADE_CHANGE = {"yes": "Yes", "partly": "Partly", "no": "No"}
_STOP = frozenset(
    "will that this with more have from they their about into when what them then than also "
    "would could should patients patient practice change changes being been were which".split()
)


class FollowUpError(ValueError):
    """The follow-up cannot be recorded; the message says why."""


def follow_up_days(course: Course) -> int:
    """Days after completion before the follow-up survey opens (activity outcomes, default 30)."""
    activity = load_activity(course)
    return activity.info.outcomes.follow_up_days if activity and activity.info else DEFAULT_DAYS


@dataclass(frozen=True)
class DueFollowUp:
    """A follow-up survey the learner may answer now."""

    course: Course
    completed: date
    due: date


@cache
def _due_statement() -> Select:
    """Built once per process (the dashboard runs it on every visit)."""
    answered = FollowUp.responded_at.is_not(None)
    return (
        select(
            Certificate.course_id,
            Certificate.snapshot["completion_date"].as_string(),
            CeActivity.info[("outcomes", "follow_up_days")].as_integer(),
        )
        .outerjoin(CeActivity, CeActivity.course_id == Certificate.course_id)
        .outerjoin(
            FollowUp,
            (FollowUp.user_id == Certificate.user_id)
            & (FollowUp.course_id == Certificate.course_id)
            & answered,
        )
        .where(
            Certificate.user_id == bindparam("user_id"),
            Certificate.status == CertificateStatus.VALID,
            FollowUp.id.is_(None),
        )
    )


def due_follow_ups(user_id: int, today: date) -> list[DueFollowUp]:
    """The learner's open follow-up surveys: completed long enough ago, not yet answered.

    One narrow query on every dashboard: the completion date and the activity's follow-up
    delay are read from their JSON in SQL, so no certificate snapshot or activity is loaded;
    a course is loaded only once its survey is due.
    """
    rows = db.session.execute(_due_statement(), {"user_id": user_id}).all()
    due = []
    for course_id, completion, days in rows:
        completed = date.fromisoformat(str(completion)[:10])
        opens = completed + timedelta(days=DEFAULT_DAYS if days is None else int(days))
        if opens <= today:
            due.append(DueFollowUp(db.session.get_one(Course, course_id), completed, opens))
    return due


def _follow_up(user_id: int, course_id: int) -> FollowUp:
    row = db.session.scalar(
        select(FollowUp).where(FollowUp.user_id == user_id, FollowUp.course_id == course_id)
    )
    if row is None:
        row = FollowUp(user_id=user_id, course_id=course_id, barriers="")
        db.session.add(row)
    return row


def invite_to_follow_up(
    user: User, course: Course, completed: date, now: datetime
) -> dict[str, Any] | None:
    """Record the invitation once; return the email to queue after the commit (None: sent)."""
    row = _follow_up(user.id, course.id)
    if row.invited_at is not None:
        return None
    row.invited_at = now
    db.session.flush()
    return compose(
        user.email,
        "follow_up",
        f"did you make the change? ({course.title})",
        name=user.full_name,
        course=course.title,
        completed=completed.isoformat(),
        survey_url=public_url("ce.follow_up", course_slug=course.slug),
    )


def record_follow_up(
    user: User, course: Course, made_change: str, barriers: str, now: datetime
) -> FollowUp:
    """Store the learner's follow-up answer, once, when the survey is open to them (learner)."""
    if made_change not in MADE_CHANGE:
        raise FollowUpError("Say whether you made the change: yes, partly or no.")
    if not any(d.course.id == course.id for d in due_follow_ups(user.id, now.date())):
        raise FollowUpError("This follow-up survey is not open to you.")
    row = _follow_up(user.id, course.id)
    row.invited_at = row.invited_at or now
    row.made_change = made_change
    row.barriers = barriers
    row.responded_at = now
    db.session.flush()
    return row


@dataclass(frozen=True)
class Gain:
    """One learner's paired pre-test and first final scores."""

    name: str
    pre: float
    post: float

    @property
    def difference(self) -> float:
        """Post minus pre."""
        return self.post - self.pre


def knowledge_gain(course: Course) -> list[Gain]:
    """Paired pre-test and final first-attempt scores, per learner (one query)."""
    final = select(Quiz.id).where(Quiz.course_id == course.id, Quiz.kind == QuizKind.FINAL)
    rows = db.session.execute(
        select(User.full_name, PreTest.score, Attempt.score)
        .join(PreTest, PreTest.user_id == User.id)
        .join(Attempt, Attempt.user_id == User.id)
        .where(
            PreTest.course_id == course.id,
            PreTest.score.is_not(None),
            Attempt.quiz_id.in_(final.scalar_subquery()),
            Attempt.number == 1,
            Attempt.status == AttemptStatus.SUBMITTED,
        )
        .order_by(User.full_name)
    )
    return [Gain(name, float(pre), float(post or 0)) for name, pre, post in rows]


@dataclass(frozen=True)
class OutcomesReport:
    """Per course: gain, commitments, confidence and follow-up results."""

    gains: list[Gain]
    commitments: list[str]
    themes: list[tuple[str, int]]
    confidence: Counter[int]
    completed: int
    responses: list[FollowUp]

    @property
    def mean_gain(self) -> float | None:
        """Mean paired difference (None without pairs)."""
        return mean(g.difference for g in self.gains) if self.gains else None

    @property
    def response_rate(self) -> float | None:
        """Follow-up answers over learners with a valid certificate."""
        return len(self.responses) / self.completed if self.completed else None

    @property
    def changed(self) -> Counter[str]:
        """How many answered yes, partly, no."""
        return Counter(r.made_change or "" for r in self.responses)


def themes(texts: list[str], top: int = 8) -> list[tuple[str, int]]:
    """The words learners use most in their commitments (a rough theme count)."""
    words = Counter()
    for text in texts:
        words.update({w for w in re.findall(r"[a-zà-ÿ]{4,}", text.lower()) if w not in _STOP})
    return words.most_common(top)


def outcomes_report(course: Course) -> OutcomesReport:
    """Build a course's outcomes report in a fixed handful of queries (staff)."""
    evaluations = db.session.scalars(
        select(CourseEvaluation).where(CourseEvaluation.course_id == course.id)
    ).all()
    commitments = [e.intended_change for e in evaluations if e.intended_change.strip()]
    completed = db.session.scalar(
        select(db.func.count(db.distinct(Certificate.user_id))).where(
            Certificate.course_id == course.id, Certificate.status == CertificateStatus.VALID
        )
    )
    responses = db.session.scalars(
        select(FollowUp).where(FollowUp.course_id == course.id, FollowUp.responded_at.is_not(None))
    ).all()
    return OutcomesReport(
        gains=knowledge_gain(course),
        commitments=commitments,
        themes=themes(commitments),
        confidence=Counter(e.change_confidence for e in evaluations if e.change_confidence),
        completed=completed or 0,
        responses=list(responses),
    )
