"""One commit helper for every view (course/unit_of_work.py): a failure writes nothing, in words."""

from __future__ import annotations

import pytest
from flask import Flask, get_flashed_messages, url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from course.extensions import db as _db
from course.instructor.bank.services import BankError
from course.models import AuditEntry, Quiz, User
from course.unit_of_work import NOT_SAVED, commit_or_flash
from tests.bankkit import Bank, build_bank, form_data
from tests.test_architecture import grep

FAILURES = [
    IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed")),
    OperationalError("UPDATE", {}, Exception("database is locked")),
]


def users() -> int:
    return _db.session.scalar(select(func.count(User.id)))


@pytest.mark.parametrize("failure", FAILURES, ids=["integrity", "operational"])
def test_a_database_failure_rolls_back_and_is_worded(app: Flask, db, failure) -> None:
    before = users()
    with app.test_request_context("/"):
        with commit_or_flash() as saved:
            _db.session.add(
                User(email="x@example.org", full_name="Half Written", password_hash="x")
            )
            _db.session.flush()
            raise failure
        assert not saved
        assert saved.error is failure
        assert get_flashed_messages(with_categories=True) == [("danger", NOT_SAVED)]
    assert users() == before


def test_a_refusal_rolls_back_and_flashes_its_own_message(app: Flask, db) -> None:
    before = users()
    with app.test_request_context("/"):
        with commit_or_flash(BankError) as saved:
            _db.session.add(User(email="y@example.org", full_name="Refused", password_hash="x"))
            _db.session.flush()
            raise BankError("Only drafts can be deleted.")
        assert get_flashed_messages() == ["Only drafts can be deleted."]
        assert not saved
    assert users() == before


def test_success_commits(app: Flask, db) -> None:
    with app.test_request_context("/"):
        with commit_or_flash(BankError) as saved:
            _db.session.add(User(email="z@example.org", full_name="Committed", password_hash="x"))
        assert saved
    _db.session.rollback()  # a commit cannot be undone by this
    assert _db.session.scalar(select(User).where(User.email == "z@example.org")) is not None


@pytest.fixture
def bank(db) -> Bank:
    return build_bank(6)


@pytest.mark.parametrize("failure", FAILURES, ids=["integrity", "operational"])
def test_a_view_whose_write_fails_shows_words_not_a_500(
    db, bank, staff, client, get_page, monkeypatch, failure
) -> None:
    """The settings page: the save writes, then the database refuses; nothing is kept."""
    import course.instructor.bank.settings_views as views

    real = views.save_quiz_settings

    def failing(quiz, settings, actor_id):
        real(quiz, settings, actor_id)  # the settings and the audit entry are written ...
        _db.session.flush()
        raise failure  # ... and then the database refuses

    monkeypatch.setattr(views, "save_quiz_settings", failing)
    address = url_for("instructor.quiz_settings", quiz_id=bank.quizzes[0].id)
    before = dict(bank.quizzes[0].settings)
    data = form_data(get_page(address), "form.quiz-settings")
    data["pass_score"] = ["90"]
    response = client.post(address, data=data)
    assert response.status_code == 200
    assert NOT_SAVED in response.get_data(as_text=True)
    _db.session.expire_all()
    assert _db.session.get(Quiz, bank.quizzes[0].id).settings == before
    assert _db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_a_refused_status_change_is_rolled_back(db, bank, staff, client, monkeypatch) -> None:
    """The bank's publish/retire block used to flash the refusal without rolling back."""
    import course.instructor.bank.views as views

    def half_done(question, action, actor_id):
        question.uid = "changed-then-refused"
        _db.session.flush()
        raise BankError("Only a draft can be published.")

    monkeypatch.setattr(views, "change_status", half_done)
    question = bank.questions["q-0"]
    response = client.post(
        url_for("instructor.question_publish", question_id=question.id),
        data={},
    )
    assert response.status_code == 302
    _db.session.expire_all()
    assert _db.session.get(type(question), question.id).uid == "q-0"


def test_views_never_repeat_the_commit_block() -> None:
    """Rollbacks live in the helper (and the error handlers, CLI and backup), not in views."""
    found = grep(r"db\.session\.rollback\(\)", "course")
    places = {line.split(":")[0] for line in found}
    assert places <= {
        "course/unit_of_work.py",
        "course/errors.py",
        "course/cli.py",
        "course/backup.py",
        "course/ops.py",
    }
