"""The pre-test: ungraded, drawn from the final exam's blueprint, taken before module 1.

It counts for nothing: its score is kept only to measure knowledge gain against the final's
first attempt (ce/outcomes.py). Services flush but never commit.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select

from course.ce.activity import load_activity
from course.content.render import render_inline, render_markdown
from course.extensions import db
from course.models import Course, PreTest, QuestionVersion, Quiz, QuizKind
from course.quiz.draw import DrawError, draw_questions
from course.quiz.grading import attempt_score, grade_item
from course.quiz.services import question_pool
from course.quiz.settings import QuizRules
from course.quiz.types import get_type
from course.quiz.view_models import TakeItem, TakeOption


class PreTestError(ValueError):
    """The pre-test cannot start or be submitted; the message says why."""


def pretest_size(course: Course) -> int:
    """How many questions the course's pre-test has (0: the course has none)."""
    activity = load_activity(course)
    return activity.info.outcomes.pre_test_questions if activity and activity.info else 0


def final_quiz(course: Course) -> Quiz | None:
    """The course's final exam, whose blueprint the pre-test shares."""
    return db.session.scalar(
        select(Quiz).where(Quiz.course_id == course.id, Quiz.kind == QuizKind.FINAL)
    )


def pretest_of(user_id: int, course_id: int) -> PreTest | None:
    """The learner's pre-test for a course, if started."""
    return db.session.scalar(
        select(PreTest).where(PreTest.user_id == user_id, PreTest.course_id == course_id)
    )


def _blueprint(final: Quiz, count: int) -> QuizRules:
    """The final's draw rules, scaled to the pre-test's length."""
    rules = final.rules
    count = min(count, rules.question_count or count)
    draw = [{"tags": rule.tags, "min": min(rule.min, count)} for rule in rules.draw]
    while sum(r["min"] for r in draw) > count:
        biggest = max(draw, key=lambda r: r["min"])
        biggest["min"] -= 1
    draw = [r for r in draw if r["min"] > 0]
    return QuizRules.from_raw(
        {**rules.as_json(), "question_count": count, "draw": draw, "fixed": None}
    )


def start_pretest(user_id: int, course: Course, now: datetime) -> PreTest:
    """Draw the learner's pre-test from the final's blueprint, once (learner)."""
    found = pretest_of(user_id, course.id)
    if found is not None:
        return found
    final = final_quiz(course)
    count = pretest_size(course)
    if final is None or not count:
        raise PreTestError("This course has no pre-test.")
    try:
        drawn = draw_questions(question_pool(final), _blueprint(final, count), secrets.randbits(62))
    except DrawError as exc:
        raise PreTestError(f"The pre-test cannot start: {exc}.") from exc
    items = [{"version_id": d.version.id, "order": d.option_order} for d in drawn]
    row = PreTest(user_id=user_id, course_id=course.id, items=items, answers={}, started_at=now)
    db.session.add(row)
    db.session.flush()
    return row


def _versions(pretest: PreTest) -> dict[int, QuestionVersion]:
    ids = [item["version_id"] for item in pretest.items]
    found = db.session.scalars(select(QuestionVersion).where(QuestionVersion.id.in_(ids)))
    return {v.id: v for v in found}


def take_items(pretest: PreTest) -> list[TakeItem]:
    """The pre-test's questions for the answer form (option keys as tokens: it is ungraded)."""
    versions = _versions(pretest)
    items = []
    for position, item in enumerate(pretest.items, 1):
        version = versions[item["version_id"]]
        kind = get_type(version.qtype)
        options = [
            TakeOption(key, render_inline(version.option(key)["text"]), False, None)
            for key in item["order"]
        ]
        stem = render_markdown(version.stem)
        items.append(TakeItem(position, stem, kind.input_type, kind.label, options, kind.template))
    return items


def submit_pretest(pretest: PreTest, form: Mapping[str, Sequence[str]], now: datetime) -> float:
    """Score the answers (a response its type cannot hold scores 0) and close it (learner)."""
    if pretest.submitted_at is not None:
        raise PreTestError("You have already submitted the pre-test.")
    versions = _versions(pretest)
    partial = final_settings(pretest).partial_credit
    answers, scores = {}, []
    for position, item in enumerate(pretest.items, 1):
        version = versions[item["version_id"]]
        kind = get_type(version.qtype)
        tokens = list(form.get(f"q{position}") or [])[:50]
        response = kind.decode_response(tokens, {k: k for k in item["order"]})
        answers[str(position)] = response
        scores.append(grade_item(version.qtype, version.options, response, partial))
    pretest.answers = answers
    pretest.score = attempt_score(scores)
    pretest.submitted_at = now
    db.session.flush()
    return pretest.score


def final_settings(pretest: PreTest) -> QuizRules:
    """The final exam's settings (partial credit follows the final)."""
    course = db.session.get(Course, pretest.course_id)
    final = final_quiz(course) if course else None
    return final.rules if final else QuizRules()
