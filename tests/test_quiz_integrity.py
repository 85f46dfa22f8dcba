"""A learner who knows nothing cannot pass by posting what the form cannot send (issue 8).

Every attack here goes through the web as a browser would, reading option tokens from the
take page's HTML only; the server-side key is used only to pass legitimately and move on.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from course.extensions import db as _db
from course.learning.progress import load_course_states
from course.models import Attempt, Quiz
from tests.conftest import url
from tests.quizkit import final_quiz, module_quiz, open_module, start, submit


def form_tokens(client, attempt: Attempt) -> dict[str, list[str]]:
    """The option tokens the take page offers, grouped by input name, as a browser sees them."""
    html = client.get(url("quiz.take", attempt_id=attempt.id)).get_data(as_text=True)
    form = BeautifulSoup(html, "html.parser").find("form", class_="quiz-form")
    groups: dict[str, list[str]] = {}
    for tag in form.find_all("input", attrs={"type": ["radio", "checkbox"]}):
        groups.setdefault(tag["name"], []).append(tag["value"])
    assert groups, "the take page offered no options"
    return groups


def post_every_token(client, quiz: Quiz, *, twice: bool = False) -> Attempt:
    """Start an attempt and submit every offered token for every question."""
    attempt = start(client, quiz)
    data: dict[str, object] = {
        name: tokens * (2 if twice else 1) for name, tokens in form_tokens(client, attempt).items()
    }
    response = client.post(
        url("quiz.answer", attempt_id=attempt.id), data={**data, "action": "submit"}
    )
    assert response.status_code == 302, response.status_code
    _db.session.refresh(attempt)
    return attempt


def rationales(attempt: Attempt) -> list[str]:
    return [o["rationale"][:50] for i in attempt.items for o in i.version.options]


def test_posting_every_token_scores_nothing_and_reveals_nothing(
    client, course_content, signed_in_learner
):
    open_module(client, course_content)
    attempt = post_every_token(client, module_quiz(course_content))
    assert attempt.score == 0.0
    assert attempt.passed is False
    assert [i.score for i in attempt.items] == [0.0] * len(attempt.items)
    review = client.get(url("quiz.review", attempt_id=attempt.id)).get_data(as_text=True)
    assert not [r for r in rationales(attempt) if r in review]
    assert ">Correct answer<" not in review
    soup = BeautifulSoup(review, "html.parser")
    marks = [m["data-mark"] for m in soup.select(".review-mark")]
    assert len(marks) == len(attempt.items)
    single = [i for i in attempt.items if i.version.qtype != "multiple"]
    assert marks.count("invalid") == len(single)
    assert set(marks) <= {"invalid", "incorrect"}


def test_repeated_and_foreign_tokens_score_nothing(
    client, course_content, signed_in_learner
) -> None:
    open_module(client, course_content)
    quiz = module_quiz(course_content)
    twice = post_every_token(client, quiz, twice=True)
    assert twice.score == 0.0
    other = start(client, quiz)
    names = list(form_tokens(client, other))
    stolen = form_tokens(client, other)
    # Each question gets the right number of tokens, but taken from another question, plus junk.
    data: dict[str, object] = {
        name: [stolen[names[(n + 1) % len(names)]][0]] for n, name in enumerate(names)
    }
    data[names[0]] = ["o" + "f" * 12]
    data[names[1]] = ["x" * 10_000]
    data["q999"] = stolen[names[0]]
    response = client.post(
        url("quiz.answer", attempt_id=other.id), data={**data, "action": "submit"}
    )
    assert response.status_code == 302
    _db.session.refresh(other)
    assert other.score == 0.0
    assert all(i.response and "?" in i.response for i in other.items)


@pytest.mark.parametrize("correctness", ["after_submit", "with_key"])
def test_review_reveals_exactly_what_the_policy_allows(
    client, db, course_content, signed_in_learner, correctness: str
) -> None:
    open_module(client, course_content)
    quiz = module_quiz(course_content)
    quiz.settings = {**quiz.settings, "review_correctness": correctness}
    db.session.commit()
    attempt = start(client, quiz)
    submit(client, attempt, False)  # one wrong option for every question: a valid response
    review = client.get(url("quiz.review", attempt_id=attempt.id)).get_data(as_text=True)
    soup = BeautifulSoup(review, "html.parser")
    shown = [r.get_text(" ", strip=True) for r in soup.select(".rationale")]
    assert ">Correct answer<" not in review
    assert not soup.select(".feedback")
    if correctness == "with_key":
        assert not soup.select(".review-mark")
        assert shown == []
    else:
        assert [m["data-mark"] for m in soup.select(".review-mark")] == ["incorrect"] * len(
            attempt.items
        )
        # Exactly the chosen option's rationale per question, and nothing about the others.
        assert len(shown) == len(attempt.items)
        for section in soup.select(".review-item"):
            with_rationale = [
                li for li in section.select(".review-option") if li.select(".rationale")
            ]
            assert len(with_rationale) == 1
            assert "Your answer" in with_rationale[0].get_text()


def test_passing_later_reveals_the_key_on_earlier_reviews(
    client, course_content, signed_in_learner
) -> None:
    open_module(client, course_content)
    quiz = module_quiz(course_content)
    failed = start(client, quiz)
    submit(client, failed, False)
    before = client.get(url("quiz.review", attempt_id=failed.id)).get_data(as_text=True)
    assert ">Correct answer<" not in before
    passed = start(client, quiz)
    submit(client, passed, True)
    after = client.get(url("quiz.review", attempt_id=failed.id)).get_data(as_text=True)
    assert ">Correct answer<" in after
    assert "Correct answers are shown once you pass" not in after


def test_black_box_every_token_on_every_quiz_of_the_real_course_passes_none(
    client, course_content, signed_in_learner
) -> None:
    attacked = []
    for module in sorted(course_content.modules, key=lambda m: m.position):
        open_module(client, course_content, module.position)
        quiz = module_quiz(course_content, module.position)
        attempt = post_every_token(client, quiz)
        attacked.append((quiz.title, attempt.score, attempt.passed))
        legit = start(client, quiz)  # pass honestly to unlock the next module
        submit(client, legit, True)
        _db.session.refresh(legit)
        assert legit.passed
    final = post_every_token(client, final_quiz(course_content))
    attacked.append((final.quiz.title, final.score, final.passed))
    assert len(attacked) == len(course_content.modules) + 1
    assert [(t, s, p) for t, s, p in attacked if s or p] == []
    state = load_course_states(signed_in_learner.id, course_content.slug)[0]
    assert state.modules_complete
    assert not state.course_complete
