"""The specific inputs that used to give a 500, each now a clean 4xx naming the problem."""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from course.models import Course, PublishStatus, Quiz, Role
from tests.bankkit import Bank, build_bank, form_data
from tests.certkit import EVALUATION, complete_course, record_evaluation

HUGE_PAGE = "9223372036854775807"


@pytest.mark.parametrize("path", ["/admin/users", "/admin/audit", "/admin/certificates"])
def test_admin_lists_survive_a_huge_page_number(make_user, login, get_page, path: str) -> None:
    login(make_user(role=Role.ADMIN))
    get_page(f"{path}?page={HUGE_PAGE}")
    get_page(f"{path}?page=1e100")


def test_huge_ids_in_the_path_are_404(make_user, login, client) -> None:
    login(make_user(role=Role.ADMIN))
    assert client.get(f"/admin/certificates/{2**63}").status_code == 404
    assert client.get(f"/quiz/{2**31}").status_code == 404


def test_attestation_of_1e100_hours_is_refused(
    db, client, make_user, login, course_content
) -> None:
    learner = login(make_user())
    complete_course(learner.id, course_content)
    record_evaluation(learner.id, course_content, EVALUATION)
    db.session.commit()
    url = f"/courses/{course_content.slug}/attestation"
    for value in ("1e100", "9" * 400, "1e-100", "NaN", "-Infinity"):
        response = client.post(url, data={"hours": value})
        assert response.status_code == 400, value
        body = response.get_data(as_text=True)
        assert "Hours" in body or "hours" in body


@pytest.fixture
def bank(db) -> Bank:
    return build_bank(6)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_limit_minutes", "601", "600"),
        ("time_limit_minutes", "9223372036854775808", "600"),
        ("cooldown_minutes", "10081", "10080"),
        ("cooldown_minutes", "99999999999999999999", "10080"),
        ("max_attempts", "9223372036854775808", "1000"),
    ],
)
def test_quiz_settings_are_bounded(bank, staff, client, get_page, field, value, message) -> None:
    url = f"/instructor/quizzes/{bank.quizzes[0].id}/settings"
    data = form_data(get_page(url), "form.quiz-settings")
    data[field] = [value]
    response = client.post(url, data={k: v for k, v in data.items() if v != [None]})
    assert response.status_code == 200  # the form again, the error on its field
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    errors = " ".join(e.get_text() for e in soup.select(".invalid-feedback"))
    # A sentence naming the field and its bound (#16), never pydantic's "less than or equal to".
    assert f"to {message}" in errors
    assert "less than or equal" not in errors


def test_quiz_settings_schema_bounds_time_limit_and_cooldown() -> None:
    from pydantic import ValidationError

    from course.content.schema import QuizSettings

    base = {"title": "Quiz", "question_count": 1, "pass_score": 0.8}
    QuizSettings(**base, time_limit_minutes=600, cooldown_minutes=10080)
    with pytest.raises(ValidationError, match="time_limit_minutes"):
        QuizSettings(**base, time_limit_minutes=601)
    with pytest.raises(ValidationError, match="cooldown_minutes"):
        QuizSettings(**base, cooldown_minutes=10081)


@pytest.mark.parametrize("text", ["[" * 50_000 + "]" * 50_000, "a:\n" + "- " * 5000 + "x\n"])
def test_deeply_nested_yaml_import_is_a_clear_problem(bank, staff, client, text: str) -> None:
    data = {"upload-yaml_file": (io.BytesIO(text.encode()), "module.yaml")}
    response = client.post(
        "/instructor/questions/yaml-import?course=bank-course",
        data=data,
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "nested more than 64 levels" in response.get_data(as_text=True)


def test_quiz_of_an_unpublished_course_is_404(db, client, make_user, login, course_content) -> None:
    quiz = db.session.scalars(select(Quiz)).first()
    course = db.session.get(Course, course_content.id)
    course.status = PublishStatus.DRAFT
    db.session.commit()
    login(make_user())
    assert client.get(f"/quiz/{quiz.id}").status_code == 404
