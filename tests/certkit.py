"""Helpers shared by the certificate tests, the role matrix and the browser journey (no tests).

They fast-forward a learner server-side through the real services: lessons opened and
completed, a passed final exam, and (optionally) the evaluation and time attestation.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from functools import cache
from typing import Any

import pytest
from flask import current_app
from sqlalchemy import func, select

from course import clock
from course.certificates.eligibility import record_attestation, record_evaluation
from course.certificates.issuer import current_issuer
from course.certificates.services import issue_certificate
from course.extensions import db
from course.learning.services import complete_module, enroll, mark_course_complete, record_view
from course.models import Attempt, AttemptStatus, Course, Quiz, QuizKind, Role, User
from tests.conftest import real_bundle, sync_real_course

EVALUATION = {
    "objectives_met": 5,
    "relevance": 4,
    "free_of_bias": True,
    "bias_comment": "",
    "intended_change": "Screen for psychosis history before referral.",
    "comments": "",
}
ACCREDITED = {
    "accredited": True,
    "statement": (
        "Practicum Clinical Education is accredited by the ACCME to provide continuing "
        "medical education for physicians."
    ),
    "credits": [
        {
            "type": "AMA PRA Category 1 Credit™",
            "amount": 1.5,
            "professions": ["MD", "DO"],
            "statement": (
                "Practicum designates this enduring material for a maximum of 1.5 AMA PRA "
                "Category 1 Credits™. Physicians should claim only the credit commensurate "
                "with the extent of their participation in the activity."
            ),
        }
    ],
    "participation_statement": (
        "Other health professionals receive a certificate of participation for the hours "
        "they attest."
    ),
}


@cache
def _lessons_bundle() -> Any:
    """The real course with its quizzes' questions left out (certificates never look at them)."""
    bundle = real_bundle()
    return dataclasses.replace(
        bundle,
        quizzes=[_without_questions(q) for q in bundle.quizzes],
        final=bundle.final and _without_questions(bundle.final),
    )


def _without_questions(source: Any) -> Any:
    return dataclasses.replace(source, data=source.data.model_copy(update={"questions": []}))


def sync_course() -> Course:
    """Sync the real course, without quiz questions, into the database (committed)."""
    return sync_real_course(_lessons_bundle(), key="lessons")


@pytest.fixture
def course_content(db: Any) -> Course:
    """Certificate tests' course: the real lessons and quiz settings, no question pools.

    Import this fixture into a test module to override the conftest one there.
    """
    return sync_course()


def complete_course(user_id: int, course: Course, score: float = 0.9) -> None:
    """Open and complete every module and record a passed final exam (no commit)."""
    enroll(user_id, course)
    for module in course.modules:
        if module.is_published:
            record_view(user_id, module)
            complete_module(user_id, module.id)
    final = db.session.scalar(
        select(Quiz).where(Quiz.course_id == course.id, Quiz.kind == QuizKind.FINAL)
    )
    if final is not None:
        number = db.session.scalar(
            select(func.count(Attempt.id)).where(
                Attempt.quiz_id == final.id, Attempt.user_id == user_id
            )
        )
        now = clock.now()
        db.session.add(
            Attempt(
                quiz_id=final.id,
                user_id=user_id,
                number=(number or 0) + 1,
                seed=1,
                status=AttemptStatus.SUBMITTED,
                settings=dict(final.settings),
                started_at=now - timedelta(minutes=20),
                submitted_at=now,
                score=score,
                passed=True,
            )
        )
    db.session.flush()
    mark_course_complete(user_id, course.id)
    db.session.flush()


def make_eligible(user_id: int, course: Course, hours: float = 1.75) -> None:
    """Complete the course, submit the evaluation and attest the hours (no commit)."""
    complete_course(user_id, course)
    record_evaluation(user_id, course, EVALUATION)
    record_attestation(user_id, course, hours)


def issue_for(user: User, course: Course, actor: User | None) -> Any:
    """Issue a certificate inside a request context (for the issuer's absolute URLs)."""
    with current_app.test_request_context(method="POST"):
        return issue_certificate(user, course, current_issuer(), actor)


def world_certificate(world: dict[str, Any], db_: Any, make_user: Any) -> None:
    """Role-matrix objects: a valid certificate (code, certificate_id) and a user (user_id)."""
    if "code" in world:
        return
    course = world["course"]
    learner = make_user(full_name="Matrix Learner", licence_number="L-1", licence_state="CA")
    admin = make_user(role=Role.ADMIN)
    make_eligible(learner.id, course)
    certificate = issue_for(learner, course, admin)
    db_.session.commit()
    world.update(
        code=certificate.code, certificate_id=certificate.id, user_id=learner.id, list_id=1
    )
