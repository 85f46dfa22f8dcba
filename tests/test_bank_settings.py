"""Quiz settings in the UI: schema errors on their fields, pool checks, attempts keep snapshots."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select
from werkzeug.test import TestResponse

from course.models import AuditEntry, Quiz
from tests.bankkit import Bank, build_bank, errors_for, form_data, make_attempt


@pytest.fixture
def bank(db) -> Bank:
    """The small test course: module alpha's pool holds 3 published questions."""
    return build_bank(6)


def url(bank) -> str:
    """The settings page of module alpha's quiz."""
    return f"/instructor/quizzes/{bank.quizzes[0].id}/settings"


def submit(client, get_page, bank, **over: object) -> TestResponse:
    """Post the settings form as shown, with some fields changed."""
    data = form_data(get_page(url(bank)), "form.quiz-settings")
    data.update({k: v if isinstance(v, list) else [v] for k, v in over.items()})
    return client.post(url(bank), data={k: v for k, v in data.items() if v != [None]})


def test_form_shows_the_stored_settings(bank, staff, get_page) -> None:
    data = form_data(get_page(url(bank)), "form.quiz-settings")
    assert data["question_count"] == ["2"]
    assert data["pass_score"] == ["50"]  # a percentage; 0.5 is stored
    assert data["review_policy"] == ["after_pass_or_exhausted"]
    assert data["shuffle_questions"] == ["y"]
    assert "partial_credit" not in data


def test_saving_changes_new_attempts_only_and_audits(
    db,
    bank,
    staff,
    client,
    get_page,
    make_user,
) -> None:
    quiz = bank.quizzes[0]
    attempt = make_attempt(make_user(), quiz, [(bank.questions["q-0"].current, ["a"])])
    old_snapshot = dict(attempt.settings)
    response = submit(
        client,
        get_page,
        bank,
        question_count="3",
        pass_score="75",
        max_attempts="2",
        time_limit_minutes="15",
        partial_credit="y",
        late_policy="not_counted",
        **{"draw-0-tags": "indication", "draw-0-min": "2"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    quiz = db.session.get(Quiz, quiz.id)
    assert quiz.settings["question_count"] == 3
    assert quiz.settings["pass_score"] == 0.75
    assert quiz.settings["max_attempts"] == 2
    assert quiz.settings["time_limit_minutes"] == 15
    assert quiz.settings["partial_credit"] is True
    assert quiz.settings["late_policy"] == "not_counted"
    assert quiz.settings["draw"] == [{"tags": ["indication"], "min": 2}]
    db.session.refresh(attempt)
    assert attempt.settings == old_snapshot
    [entry] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "quiz.settings")
    ).all()
    assert entry.actor_id == staff.id
    assert entry.target_id == quiz.id
    assert entry.details["changed"]["pass_score"] == [0.5, 0.75]
    # Saving the same values again changes nothing and writes no audit entry.
    submit(client, get_page, bank)
    assert len(db.session.scalars(select(AuditEntry)).all()) == 1


CASES = [
    (
        {"title": "Q", "pass_score": "lots"},
        [("title", "title of 3 to 300 characters"), ("pass_score", "pass mark between 1 and 100%")],
    ),
    (
        {
            "pass_score": "150",
            "question_count": "0",
            "max_attempts": "0",
            "cooldown_minutes": "-5",
            "time_limit_minutes": "0",
            "draw-0-min": "1",
            "draw-1-tags": "caution",
        },
        [
            ("pass_score", "pass mark between 1 and 100%"),
            ("question_count", "whole number from 1 to 200"),
            ("max_attempts", "whole number from 1 to 1000"),
            ("cooldown_minutes", "cooldown of 0 to 10080 minutes"),
            ("time_limit_minutes", "time limit of 1 to 600 minutes"),
            ("draw-0-tags", "choose at least one tag from the list for draw rule 1"),
            ("draw-1-min", "how many questions draw rule 2 needs"),
        ],
    ),
    (
        {"question_count": "5"},
        [("question_count", "the pool has 3 questions but the quiz needs 5")],
    ),
    ({"draw-0-tags": "indication", "draw-0-min": "3"}, [("draw", "ask for more questions than")]),
    ({"draw-0-tags": "caution", "draw-0-min": "1"}, [("draw", "only 0 questions tagged")]),
]


@pytest.mark.parametrize(("over", "expected"), CASES)
def test_errors_name_their_field_and_change_nothing(
    db,
    bank,
    staff,
    client,
    get_page,
    over: dict,
    expected: list[tuple[str, str]],
) -> None:
    before = dict(bank.quizzes[0].settings)
    response = submit(client, get_page, bank, **over)
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    for where, message in expected:
        if where == "draw":
            shown = [e.get_text(strip=True) for e in soup.select(".draw-error")]
        else:
            shown = errors_for(soup, where)
        assert any(message in text.lower() for text in shown), (where, shown)
    db.session.expire_all()
    assert db.session.get(Quiz, bank.quizzes[0].id).settings == before


def test_a_fixed_question_list_is_kept(db, bank, staff, client, get_page) -> None:
    quiz = bank.quizzes[0]
    quiz.settings = {**quiz.settings, "fixed": ["q-0", "q-2"]}
    db.session.commit()
    assert submit(client, get_page, bank, pass_score="60").status_code == 302
    db.session.expire_all()
    settings = db.session.get(Quiz, quiz.id).settings
    assert settings["fixed"] == ["q-0", "q-2"]
    assert settings["pass_score"] == 0.6
