"""A learner answers an ordering question by choosing each position, in real Chromium."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select

from course.models import Attempt, Course, Quiz
from tests.bankkit import add_question

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.conftest import LiveServer

STEPS = [
    ("first", "Check blood pressure before the dose"),
    ("second", "Give the dose in the certified setting"),
    ("third", "Recheck blood pressure about 40 minutes after"),
]


@pytest.fixture(scope="module")
def ordering_quiz(live_server: LiveServer) -> int:
    """Module 1's quiz presents one ordering question."""
    with live_server.session() as session:
        course = session.scalars(select(Course)).one()
        module = next(m for m in course.modules if m.position == 1)
        options = [{"id": k, "text": t, "rationale": "Session step."} for k, t in STEPS]
        add_question(course, module, "order-01", qtype="ordering", options=options)
        quiz = session.scalars(select(Quiz).where(Quiz.module_id == module.id)).one()
        quiz.settings = {**quiz.settings, "question_count": 1, "fixed": ["order-01"], "draw": []}
        session.commit()
        return quiz.id


@pytest.mark.browser
def test_learner_orders_the_steps_and_passes(
    page: Page,
    expect: Callable[..., Any],
    live_server: LiveServer,
    ordering_quiz: int,
    register_learner: Callable[..., None],
) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    register_learner(page, "Orla Order", "orla.order@example.org")
    page.get_by_role("link", name=re.compile("Ketamine")).first.click()
    page.get_by_role("button", name="Start the course").click()
    page.get_by_role("link", name="Take the quiz").click()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_text("Ordering (put in order)")).to_be_visible()
    # A wrong order first: the first two swapped.
    wrong = [STEPS[1], STEPS[0], STEPS[2]]
    for slot, (_, text) in enumerate(wrong, start=1):
        page.get_by_label(f"Position {slot}", exact=True).select_option(label=text)
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("status")).to_contain_text("Not passed")
    expect(page.locator(".review-order li")).to_have_text([t for _, t in wrong])
    page.get_by_role("link", name="Quiz overview").click()
    page.get_by_role("button", name="Try again").click()
    for slot, (_, text) in enumerate(STEPS, start=1):
        page.get_by_label(f"Position {slot}", exact=True).select_option(label=text)
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("status")).to_contain_text("Passed")
    expect(page.locator(".key-order li")).to_have_count(len(STEPS))
    with live_server.session() as session:
        scores = session.scalars(select(Attempt.score).order_by(Attempt.id)).all()
    assert scores == [0.0, 1.0]
