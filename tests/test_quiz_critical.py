"""Critical areas: safety items must pass on their own, and the final always draws them."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from pydantic import ValidationError

from course.content.schema import QuizSettings
from course.quiz.draw import draw_questions
from course.quiz.grading import score_attempt
from course.quiz.services import question_pool
from tests.conftest import url
from tests.quizkit import answers, final_quiz, module_quiz, open_module, start

SAFETY = {"name": "Safety", "tags": ["contraindication", "caution"], "pass_score": 0.8}
BASE = {"pass_score": 0.7, "critical": [SAFETY]}


def items(right_safe: int, wrong_safe: int, right_other: int, wrong_other: int) -> list:
    safe, other = ["caution"], ["indication"]
    return (
        [(safe, 1.0)] * right_safe
        + [(safe, 0.0)] * wrong_safe
        + [(other, 1.0)] * right_other
        + [(other, 0.0)] * wrong_other
    )


def test_a_strong_total_cannot_hide_failed_safety_items() -> None:
    result = score_attempt(BASE, items(1, 3, 16, 0), late=False)
    assert result.score == pytest.approx(0.85)
    assert not result.passed
    (short,) = result.shortfalls
    assert (short.name, short.count, short.score) == ("Safety", 4, 0.25)


def test_both_marks_met_passes_and_either_missed_fails() -> None:
    assert score_attempt(BASE, items(4, 1, 10, 5), late=False).passed  # 0.70 total, 0.8 safety
    assert not score_attempt(BASE, items(4, 1, 9, 6), late=False).passed  # total 0.65 < 0.7
    assert not score_attempt(BASE, items(3, 2, 15, 0), late=False).passed  # safety 0.6 < 0.8


def test_an_area_with_no_items_is_not_met_and_late_not_counted_scores_zero() -> None:
    assert score_attempt(BASE, items(0, 0, 10, 0), late=False).shortfalls[0].count == 0
    assert not score_attempt(BASE, items(0, 0, 10, 0), late=False).passed
    late = score_attempt({**BASE, "late_policy": "not_counted"}, items(5, 0, 15, 0), late=True)
    assert (late.score, late.passed) == (0.0, False)


def test_a_critical_area_needs_a_draw_rule_within_its_tags() -> None:
    base = {"title": "Final", "question_count": 10, "pass_score": 0.8, "critical": [SAFETY]}
    with pytest.raises(ValidationError, match="needs a draw rule limited to its tags"):
        QuizSettings(**base)
    with pytest.raises(ValidationError, match="needs a draw rule"):
        QuizSettings(**base, draw=[{"tags": ["indication", "caution"], "min": 3}])
    assert QuizSettings(**base, draw=[{"tags": ["caution"], "min": 3}]).critical[0].name


def test_the_final_always_draws_at_least_six_safety_items(course_content) -> None:
    final = final_quiz(course_content)
    pool = question_pool(final)
    safety = {"contraindication", "caution", "safety"}
    counts = []
    for seed in range(3000):
        drawn = draw_questions(pool, final.settings, seed)
        assert len(drawn) == final.settings["question_count"]
        counts.append(sum(1 for d in drawn if safety & set(d.version.tags)))
    assert min(counts) >= 6, min(counts)
    assert set(final.settings["critical"][0]["tags"]) == safety


def test_review_names_the_critical_area_the_learner_fell_short_in(
    client,
    db,
    make_user,
    login,
    course_content,
) -> None:
    login(make_user())
    open_module(client, course_content)
    quiz = module_quiz(course_content)
    area = {"name": "How it works", "tags": ["mechanism"], "pass_score": 1.0}
    quiz.settings = {
        **quiz.settings,
        "pass_score": 0.2,
        "draw": [{"tags": ["mechanism"], "min": 1}],
        "critical": [area],
    }
    db.session.commit()
    overview = client.get(url("quiz.overview", quiz_id=quiz.id)).get_data(as_text=True)
    assert "Critical area: How it works." in overview
    attempt = start(client, quiz)
    # Everything right except one mechanism item (the draw rule guarantees there is one).
    wrong = next(i.position for i in attempt.items if "mechanism" in i.version.tags)
    plan = [i.position != wrong for i in attempt.items]
    data = {**answers(attempt, plan), "action": "submit"}
    client.post(url("quiz.answer", attempt_id=attempt.id), data=data)
    db.session.refresh(attempt)
    assert attempt.score >= 0.2
    assert attempt.passed is False
    soup = BeautifulSoup(client.get(url("quiz.review", attempt_id=attempt.id)).data, "html.parser")
    (row,) = soup.select(".critical-area")
    assert row["data-met"] == "no"
    assert "How it works" in row.get_text()
    assert "not met" in row.get_text()
