"""The quiz settings page (#16): a percentage pass mark, worded errors, staff only, audited."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import url_for
from sqlalchemy import select
from werkzeug.test import TestResponse

from course.instructor.bank.settings_form import MESSAGES
from course.models import AuditEntry, Quiz, Role
from tests.bankkit import Bank, build_bank, errors_for, form_data

RAW = ("Input should", "validation error", "Not a valid", "Field required", "pydantic")


@pytest.fixture
def bank(db) -> Bank:
    """The small test course: module alpha's quiz draws 2 of 3 published questions, 50% to pass."""
    return build_bank(6)


def settings_url(bank: Bank) -> str:
    return url_for("instructor.quiz_settings", quiz_id=bank.quizzes[0].id)


def post(client, get_page, bank: Bank, **over: object) -> TestResponse:
    """Post the form as the page shows it, with some fields changed."""
    data = form_data(get_page(settings_url(bank)), "form.quiz-settings")
    data.update({k: v if isinstance(v, list) else [v] for k, v in over.items()})
    return client.post(settings_url(bank), data={k: v for k, v in data.items() if v != [None]})


def stored(db, bank: Bank) -> dict:
    db.session.expire_all()
    return db.session.get(Quiz, bank.quizzes[0].id).settings


@pytest.mark.parametrize(
    ("typed", "fraction", "shown"), [("80", 0.8, "80"), ("72.5%", 0.725, "72.5")]
)
def test_the_pass_mark_is_a_percentage_both_ways(
    db, bank, staff, client, get_page, typed: str, fraction: float, shown: str
) -> None:
    assert form_data(get_page(settings_url(bank)), "form.quiz-settings")["pass_score"] == ["50"]
    assert post(client, get_page, bank, pass_score=typed).status_code == 302
    assert stored(db, bank)["pass_score"] == fraction
    page = get_page(settings_url(bank))
    assert form_data(page, "form.quiz-settings")["pass_score"] == [shown]
    assert page.select_one("label[for=pass_score]").get_text(strip=True) == "Pass mark (%)"


WORDED = [
    ("title", "Q"),
    ("question_count", "many"),
    ("question_count", "0"),
    ("pass_score", "0.8"),  # a fraction typed where a percentage belongs
    ("pass_score", "101"),
    ("pass_score", "eighty"),
    ("max_attempts", "0"),
    ("max_attempts", "two"),
    ("cooldown_minutes", "-1"),
    ("cooldown_minutes", "20000"),
    ("time_limit_minutes", "601"),
    ("review_policy", "sometimes"),
    ("review_correctness", "maybe"),
    ("late_policy", "whenever"),
]


@pytest.mark.parametrize(("name", "value"), WORDED)
def test_each_error_is_a_sentence_on_its_field(
    db, bank, staff, client, get_page, name: str, value: str
) -> None:
    before = stored(db, bank)
    response = post(client, get_page, bank, **{name: value})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert errors_for(BeautifulSoup(html, "html.parser"), name) == [MESSAGES[name]]
    assert not [raw for raw in RAW if raw in html]
    assert stored(db, bank) == before


def test_draw_rule_errors_name_the_rule(db, bank, staff, client, get_page) -> None:
    response = post(client, get_page, bank, **{"draw-1-min": "x", "draw-2-min": "2"})
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert errors_for(soup, "draw-1-min") == [
        "Enter how many questions draw rule 2 needs: a whole number of at least 1."
    ]
    assert errors_for(soup, "draw-2-tags") == [
        "Choose at least one tag from the list for draw rule 3."
    ]


def test_huge_numbers_are_refused_in_words(db, bank, staff, client, get_page) -> None:
    before = stored(db, bank)
    huge = "9" * 40
    response = post(
        client,
        get_page,
        bank,
        question_count=huge,
        pass_score="1e400",
        max_attempts=huge,
        time_limit_minutes=huge,
        title="T" * 5000,
    )
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    for name in ("question_count", "pass_score", "max_attempts", "time_limit_minutes", "title"):
        assert errors_for(soup, name) == [MESSAGES[name]], name
    assert stored(db, bank) == before


def test_a_nul_byte_is_refused_before_anything_is_read(db, bank, staff, client, get_page) -> None:
    before = stored(db, bank)
    response = post(client, get_page, bank, title="Quiz\x00 one")
    assert response.status_code == 400
    assert "NUL byte" in response.get_data(as_text=True)
    assert stored(db, bank) == before


def test_unknown_fields_are_ignored(db, bank, staff, client, get_page) -> None:
    response = post(client, get_page, bank, pass_score="70", bogus="1", fixed="q-0", critical="x")
    assert response.status_code == 302
    settings = stored(db, bank)
    assert settings["pass_score"] == 0.7
    assert "bogus" not in settings
    assert settings["fixed"] is None
    assert settings["critical"] == []


def test_only_staff_may_see_or_change_the_settings(
    db, bank, client, make_user, login, get_page
) -> None:
    before = stored(db, bank)
    response = client.get(settings_url(bank))
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    login(make_user(role=Role.LEARNER))
    assert client.get(settings_url(bank)).status_code == 403
    assert client.post(settings_url(bank), data={"pass_score": "10"}).status_code == 403
    assert stored(db, bank) == before


def test_a_saved_change_writes_one_audit_entry(db, bank, staff, client, get_page) -> None:
    assert post(client, get_page, bank, pass_score="90").status_code == 302
    [entry] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "quiz.settings")
    ).all()
    assert entry.actor_id == staff.id
    assert entry.target_id == bank.quizzes[0].id
    assert entry.details["changed"] == {"pass_score": [0.5, 0.9]}


def test_the_bank_and_the_module_list_link_to_the_page(bank, staff, get_page) -> None:
    target = urlsplit(settings_url(bank)).path
    for page in (
        get_page(url_for("instructor.questions", course=bank.course.slug)),
        get_page(url_for("instructor.modules", course=bank.course.slug)),
    ):
        links = [a["href"] for a in page.select("#quiz-list a")]
        assert target in links
        row = page.select_one(f"#quiz-list tr[data-quiz={bank.quizzes[0].slug}]")
        assert "50%" in row.get_text()
