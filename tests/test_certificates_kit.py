"""Helpers shared by the certificate tests, the role matrix and the browser journey (no tests).

They fast-forward a learner server-side through the real services: lessons opened and
completed, a passed final exam, and (optionally) the evaluation and time attestation.
"""

from __future__ import annotations

import dataclasses
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from course import clock
from course.certificates.eligibility import record_attestation, record_evaluation
from course.certificates.services import issue_certificate
from course.certificates.views import current_issuer
from course.extensions import db
from course.learning.services import complete_module, enroll, mark_course_complete, record_view
from course.models import Attempt, AttemptStatus, Course, Quiz, QuizKind, Role, User

EVALUATION = {
    "objectives_met": 5,
    "relevance": 4,
    "free_of_bias": True,
    "bias_comment": "",
    "intended_change": "Screen for psychosis history before referral.",
    "comments": "",
}
ROLE_MATRIX_KEYS = Path(tempfile.gettempdir()) / "practicum-role-matrix-keys"
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


_BUNDLE: list[Any] = []


def _without_questions(source: Any) -> Any:
    """A quiz source with its questions left out (certificates never look at them)."""
    return dataclasses.replace(source, data=source.data.model_copy(update={"questions": []}))


def sync_course() -> Course:
    """Sync the real course (its quizzes without their questions, for speed) into the database.

    The files are parsed once per test process.
    """
    from course.content.loader import load_content
    from course.content.sync import sync_bundle
    from tests.conftest import ROOT

    if not _BUNDLE:
        bundle = load_content(ROOT / "modules", ROOT / "quizzes")
        assert bundle.ok, [str(p) for p in bundle.problems]
        bundle.quizzes = [_without_questions(q) for q in bundle.quizzes]
        bundle.final = bundle.final and _without_questions(bundle.final)
        _BUNDLE.append(bundle)
    sync_bundle(_BUNDLE[0])
    db.session.commit()
    return db.session.scalars(select(Course)).one()


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
    current_app.config["CERTIFICATE_KEYS_DIR"] = str(ROLE_MATRIX_KEYS)
    course = world["course"]
    learner = make_user(full_name="Matrix Learner", licence_number="L-1", licence_state="CA")
    admin = make_user(role=Role.ADMIN)
    make_eligible(learner.id, course)
    certificate = issue_for(learner, course, admin)
    db_.session.commit()
    world.update(
        code=certificate.code, certificate_id=certificate.id, user_id=learner.id, list_id=1
    )
