"""The ordering question type end to end: take, grade, review, YAML round trip, GIFT export."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from course.extensions import db as _db
from course.models import Question, Quiz
from course.quiz.submit import option_token
from tests.bankkit import add_question
from tests.conftest import url
from tests.quizkit import module_quiz, open_module, start

STEPS = [
    ("first", "Check blood pressure before the dose"),
    ("second", "Give the dose in the certified setting"),
    ("third", "Recheck blood pressure about 40 minutes after"),
    ("fourth", "Observe until the patient is ready to leave"),
]


def ordering_question(course, module) -> Question:
    options = [
        {"id": k, "text": t, "rationale": f"Step {n} of the session."}
        for n, (k, t) in enumerate(STEPS, start=1)
    ]
    return add_question(course, module, "order-01", qtype="ordering", options=options)


@pytest.fixture
def ordering_quiz(db, course_content, make_user, login) -> Quiz:
    """Module 1's quiz, set to present only the ordering question, with a signed-in learner."""
    module = next(m for m in course_content.modules if m.position == 1)
    ordering_question(course_content, module)
    quiz = module_quiz(course_content)
    quiz.settings = {**quiz.settings, "question_count": 1, "fixed": ["order-01"], "draw": []}
    db.session.commit()
    login(make_user())
    return quiz


def post_order(client, attempt, keys: list[str], action: str = "submit"):
    (item,) = attempt.items
    data = {"q1": [option_token(attempt, item, k) for k in keys], "action": action}
    return client.post(url("quiz.answer", attempt_id=attempt.id), data=data)


def test_take_page_offers_one_select_per_position_without_the_order(
    client,
    course_content,
    ordering_quiz,
) -> None:
    open_module(client, course_content)
    attempt = start(client, ordering_quiz)
    (item,) = attempt.items
    assert item.option_order != [k for k, _ in STEPS]  # never shown in the answer's order
    soup = BeautifulSoup(client.get(url("quiz.take", attempt_id=attempt.id)).data, "html.parser")
    selects = soup.select("select[name=q1]")
    assert len(selects) == len(STEPS)
    shown = [o["value"] for o in selects[0].find_all("option") if o["value"]]
    assert shown == [option_token(attempt, item, k) for k in item.option_order]
    assert not any(f'"{k}"' in str(soup.select_one("form.quiz-form")) for k, _ in STEPS)


def test_ordering_is_graded_all_or_nothing_and_saved_order_is_restored(
    client,
    course_content,
    ordering_quiz,
) -> None:
    open_module(client, course_content)
    attempt = start(client, ordering_quiz)
    swapped = ["second", "first", "third", "fourth"]
    post_order(client, attempt, swapped, action="save")
    soup = BeautifulSoup(client.get(url("quiz.take", attempt_id=attempt.id)).data, "html.parser")
    (item,) = attempt.items
    picked = [s.find("option", selected=True)["value"] for s in soup.select("select[name=q1]")]
    assert picked == [option_token(attempt, item, k) for k in swapped]
    post_order(client, attempt, swapped)
    _db.session.refresh(attempt)
    assert (attempt.score, attempt.passed) == (0.0, False)
    right = start(client, ordering_quiz)
    post_order(client, right, [k for k, _ in STEPS])
    _db.session.refresh(right)
    assert (right.score, right.passed) == (1.0, True)
    review = BeautifulSoup(client.get(url("quiz.review", attempt_id=right.id)).data, "html.parser")
    assert [li.get_text(" ", strip=True) for li in review.select(".key-order li")][0].startswith(
        STEPS[0][1]
    )


def test_every_token_twice_or_a_partial_order_scores_nothing(
    client,
    course_content,
    ordering_quiz,
) -> None:
    open_module(client, course_content)
    for keys in ([k for k, _ in STEPS] * 2, ["first", "second", "third"], ["first"] * 4):
        attempt = start(client, ordering_quiz)
        post_order(client, attempt, keys)
        _db.session.refresh(attempt)
        assert attempt.score == 0.0, keys


def test_yaml_round_trip_and_gift_says_not_exportable(db, course_content) -> None:
    from course.content.schema import QuestionEntry
    from course.instructor.bank.yaml_io import export_module
    from course.instructor.interchange.views import export_questions

    module = next(m for m in course_content.modules if m.position == 1)
    question = ordering_question(course_content, module)
    db.session.commit()
    text = export_module(module, module_quiz(course_content))
    import yaml

    exported = next(q for q in yaml.safe_load(text)["questions"] if q["id"] == "order-01")
    again = QuestionEntry(**exported)
    assert again.type == "ordering"
    assert [o.id for o in again.options] == [k for k, _ in STEPS]
    gift = export_questions(course_content, module)
    assert "// Not exported: order-01 is an Ordering (put in order) question" in gift
    assert question.current.stem not in gift
