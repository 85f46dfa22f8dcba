"""Reporting identifiers: the NPI check digit, birth month/day, consent with its date."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from course import clock
from course.ce.identifiers import export_licence, identity_problems, npi_valid, state_code
from course.models import Role
from tests.conftest import url


@pytest.mark.parametrize("npi", ["1234567893", "1245319599", "1003000126"])
def test_valid_npis(npi: str) -> None:
    assert npi_valid(npi)


@pytest.mark.parametrize(
    "npi", ["1234567890", "1245319598", "123456789", "12345678931", "abcdefghij", "", "１２３"]
)
def test_invalid_npis(npi: str) -> None:
    assert not npi_valid(npi)


def test_licence_is_normalised_only_for_export() -> None:
    assert export_licence(" rn-12.345 6 ") == "RN123456"
    assert state_code(" fl ") == "FL"
    assert state_code("Florida") is None


def test_learner_saves_identifiers_and_consent(client, login, make_user, db, monkeypatch) -> None:
    user = login(make_user())
    moment = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: moment)
    data = {
        "licence_number": "me 123",
        "licence_state": "ME",
        "npi": "1234567893",
        "board_id": "ABIM-9",
        "birth_month": "2",
        "birth_day": "29",
        "consent": "y",
    }
    assert client.post(url("ce.identifiers"), data=data).status_code == 302
    db.session.refresh(user)
    assert (user.npi, user.birth_month, user.birth_day) == ("1234567893", 2, 29)
    assert user.licence_number == "me 123"  # stored as typed
    assert user.share_consent_at == moment
    assert identity_problems(user) == []
    client.post(url("ce.identifiers"), data={**data, "consent": ""})
    db.session.refresh(user)
    assert user.share_consent_at is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("npi", "1234567890", "check digit"),
        ("birth_day", "31", "no day 31"),
        ("birth_month", "13", "between 1 and 12"),
        ("birth_day", "1e100", "valid integer"),
        ("board_id", "x" * 65, "64"),
        ("npi", "12345\x0067893", "NUL byte"),
    ],
)
def test_bad_identifiers_name_the_field(client, login, make_user, field, value, message) -> None:
    login(make_user())
    data = {"birth_month": "2", "birth_day": "3", field: value}
    response = client.post(url("ce.identifiers"), data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_month_without_day_is_refused(client, login, make_user) -> None:
    login(make_user())
    response = client.post(url("ce.identifiers"), data={"birth_month": "2"})
    assert response.status_code == 400
    assert "both the month and the day" in response.get_data(as_text=True)


def test_admin_fixes_a_learner_but_cannot_consent_for_them(client, login, make_user, db) -> None:
    learner = make_user()
    login(make_user(role=Role.ADMIN))
    data = {"licence_number": "X1", "licence_state": "FL", "consent": "y"}
    address = url("ce.learner_identifiers", user_id=learner.id)
    assert client.post(address, data=data).status_code == 302
    db.session.refresh(learner)
    assert learner.licence_state == "FL"
    assert learner.share_consent_at is None
    assert client.get(url("ce.learner_identifiers", user_id=99999)).status_code == 404
