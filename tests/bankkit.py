"""Helpers shared by the question-bank tests: a small course, questions, attempts, form scraping.

This module holds no tests; the test_bank_* modules import from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup

from course.content.schema import QuizSettings
from course.extensions import db
from course.fingerprint import digest
from course.instructor.bank.services import build_payload
from course.learning.services import enroll, record_view
from course.models import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    Course,
    Module,
    Question,
    QuestionStatus,
    QuestionVersion,
    Quiz,
    QuizKind,
    User,
)
from course.quiz.grading import attempt_score, grade_item, is_pass
from course.quiz.versions import add_version

OPTIONS = [
    ("a", "A supervised ketamine infusion course", True),
    ("b", "An immediate switch to oral sertraline", False),
    ("c", "Lithium started at a high dose today", False),
    ("d", "Watchful waiting without any follow-up", False),
]


@dataclass
class Bank:
    """A two-module course with quizzes and questions, for bank tests."""

    course: Course
    modules: list[Module]
    quizzes: list[Quiz]
    questions: dict[str, Question] = field(default_factory=dict)


def entry(uid: str, qtype: str = "single", **over: Any) -> dict[str, Any]:
    """Question data in the quizzes/ file shape."""
    options = over.pop("options", None) or [
        {
            "id": k,
            "text": t,
            "correct": c,
            "rationale": f"Because option {k} is {'right' if c else 'wrong'}.",
        }
        for k, t, c in OPTIONS
    ]
    data = {
        "id": uid,
        "type": qtype,
        "stem": f"Which plan best fits the patient described in case {uid}?",
        "objective": 1,
        "tags": ["indication"],
        "references": [1],
        "feedback": "The supervised course is the evidence-based choice [1].",
        "options": options,
    }
    data.update(over)
    return data


def add_question(
    course: Course,
    module: Module | None,
    uid: str,
    status: QuestionStatus = QuestionStatus.PUBLISHED,
    **over: Any,
) -> Question:
    """Store a question with one version."""
    question = Question(course=course, module=module, uid=uid, status=status, latest_number=0)
    db.session.add(question)
    payload = build_payload(entry(uid, **over))
    add_version(question, payload, digest(payload))
    db.session.flush()
    return question


def new_version(question: Question, **over: Any) -> QuestionVersion:
    """Add a version with different content (as the editor would)."""
    payload = build_payload(entry(question.uid, **over))
    version = add_version(question, payload, digest(payload))
    db.session.flush()
    return version


def build_bank(n_questions: int = 6, pass_score: float = 0.5) -> Bank:
    """Create the course; questions alternate between the two modules (q-0, q-1, ...)."""
    course = Course(
        slug="bank-course",
        title="Bank test course",
        references=[{"number": n, "citation": f"Reference number {n}"} for n in (1, 2, 3)],
        settings={"sequential": False},
    )
    modules = [
        Module(course=course, slug=slug, title=f"Module {slug}", position=i, objectives=objs)
        for i, (slug, objs) in enumerate(
            [("alpha", ["Spot indications", "Spot cautions"]), ("beta", ["Explain evidence"])], 1
        )
    ]
    settings = QuizSettings(title="Quiz", question_count=2, pass_score=pass_score)
    quizzes = [
        Quiz(
            course=course,
            module=m,
            slug=m.slug,
            title=f"Quiz {m.slug}",
            kind=QuizKind.MODULE,
            settings=settings.model_copy(update={"title": f"Quiz {m.slug}"}).model_dump(
                mode="json"
            ),
        )
        for m in modules
    ]
    db.session.add_all([course, *modules, *quizzes])
    db.session.flush()
    bank = Bank(course, modules, quizzes)
    for i in range(n_questions):
        uid = f"q-{i}"
        bank.questions[uid] = add_question(course, modules[i % 2], uid)
    db.session.commit()
    return bank


def make_attempt(
    user: User,
    quiz: Quiz,
    answers: list[tuple[QuestionVersion, list[str]]],
    submitted: bool = True,
) -> Attempt:
    """Store an attempt with these (version, chosen keys) items, graded like the engine does."""
    enroll(user.id, quiz.course)
    if quiz.module is not None:
        record_view(user.id, quiz.module)
    number = 1 + sum(
        1 for a in db.session.query(Attempt).filter_by(quiz_id=quiz.id, user_id=user.id)
    )
    attempt = Attempt(
        quiz=quiz, user=user, number=number, seed=number, settings=dict(quiz.settings)
    )
    attempt.items = [
        AttemptItem(position=i, version=v, option_order=[o["key"] for o in v.options], response=r)
        for i, (v, r) in enumerate(answers, 1)
    ]
    if submitted:
        for item in attempt.items:
            item.score = grade_item(item.version.qtype, item.version.options, item.response, False)
        attempt.status = AttemptStatus.SUBMITTED
        attempt.score = round(attempt_score([i.score for i in attempt.items]), 6)
        attempt.passed = is_pass(attempt.score, float(quiz.settings["pass_score"]))
    db.session.add(attempt)
    db.session.commit()
    return attempt


def form_data(soup: BeautifulSoup, selector: str) -> dict[str, list[str]]:
    """What a browser would submit for the form matching `selector` (without any button)."""
    form = soup.select_one(selector)
    assert form is not None, selector
    data: dict[str, list[str]] = {}
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name:
            continue
        values = _values(element)
        if values is not None:
            data.setdefault(name, []).extend(values)
    return data


def _values(element: Any) -> list[str] | None:
    if element.name == "textarea":
        return [element.get_text().removeprefix("\r\n").removeprefix("\n")]
    if element.name == "select":
        chosen = [
            o.get("value", o.get_text())
            for o in element.find_all("option")
            if o.has_attr("selected")
        ]
        if not chosen and not element.has_attr("multiple"):
            first = element.find("option")
            chosen = [first.get("value", first.get_text())] if first else []
        return chosen
    kind = element.get("type", "text")
    if kind in ("submit", "button", "file", "reset"):
        return None
    if kind in ("checkbox", "radio"):
        return [element.get("value", "on")] if element.has_attr("checked") else None
    return [element.get("value", "")]


def errors_for(soup: BeautifulSoup, field_id: str) -> list[str]:
    """The invalid-feedback messages shown right after the field with this id."""
    element = soup.find(id=field_id)
    assert element is not None, field_id
    return [e.get_text(strip=True) for e in element.find_next_siblings(class_="invalid-feedback")]
