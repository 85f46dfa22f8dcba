"""Registration and account friction fixed in #16: an empty profession, passwords kept after
an error, autocomplete, a real sign-in link, returning to the course, the same password."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import select

from course.models import User
from tests.conftest import PASSWORD, url
from tests.test_auth import GOOD, register


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_profession_starts_empty_and_is_required(client, db) -> None:
    page = _soup(client.get(url("auth.register")))
    chosen = page.select_one("select#profession option[selected]") or page.select_one(
        "select#profession option"
    )
    assert chosen["value"] == ""
    response = register(client, profession="")
    assert response.status_code == 200
    assert "Choose your profession or credential." in response.get_data(as_text=True)
    assert db.session.scalar(select(User)) is None


def test_passwords_are_kept_after_another_field_fails(client, db) -> None:
    page = _soup(register(client, profession=""))
    assert page.select_one("#password")["value"] == PASSWORD
    assert page.select_one("#confirm")["value"] == PASSWORD


def test_fields_carry_autocomplete(client) -> None:
    page = _soup(client.get(url("auth.register")))
    expected = {"full_name": "name", "email": "email", "password": "new-password"}
    for field, token in expected.items():
        assert page.select_one(f"#{field}")["autocomplete"] == token
    login = _soup(client.get(url("auth.login")))
    assert login.select_one("#password")["autocomplete"] == "current-password"


def test_duplicate_email_reveals_nothing_and_the_page_links_to_sign_in(client, db) -> None:
    """#12 supersedes #16's "Sign in instead" error: registering an address that has an
    account answers exactly as a new one does (its owner is emailed), and the sign-in page it
    leads to offers the way back in."""
    first = register(client)
    client.post(url("auth.logout"))
    again = register(client)
    assert again.status_code == first.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    page = _soup(client.get(again.headers["Location"]))
    assert page.find("a", href="/auth/forgot") is not None


def test_registering_from_a_course_returns_to_it_after_sign_in(client, db) -> None:
    response = client.post("/auth/register?next=/courses/some-course", data=GOOD)
    assert response.headers["Location"] == "/auth/login?next=/courses/some-course"
    login_page = _soup(client.get(response.headers["Location"]))
    carried = login_page.select_one("input[name=next]")["value"]
    assert carried == "/courses/some-course"
    form = {"email": GOOD["email"], "password": PASSWORD, "next": carried}
    signed_in = client.post(url("auth.login"), data=form)
    assert signed_in.headers["Location"] == "/courses/some-course"


def test_registering_refuses_an_offsite_next(client, db) -> None:
    response = client.post("/auth/register?next=//evil.example", data=GOOD)
    assert response.headers["Location"] == "/auth/login"


def test_same_password_is_refused(client, make_user, login) -> None:
    login(make_user())
    response = client.post(
        url("auth.change_password"),
        data={"pw-current": PASSWORD, "pw-password": PASSWORD, "pw-confirm": PASSWORD},
    )
    assert response.status_code == 400
    assert "this one is your current password" in response.get_data(as_text=True)


def test_sign_in_wording_everywhere(client) -> None:
    response = client.get(url("learning.dashboard"), follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Please sign in to open this page." in text
    assert "log in" not in text.lower()


def test_time_zone_setting_shows_local_times(client, db, make_user, login) -> None:
    from datetime import UTC, datetime

    from course.dates import human_datetime

    user = login(make_user(full_name="Tia Zone", profession="RN"))
    data = {"full_name": "Tia Zone", "profession": "RN", "time_zone": "America/New_York"}
    assert client.post(url("auth.profile"), data=data).status_code == 302
    db.session.refresh(user)
    assert user.time_zone == "America/New_York"
    moment = datetime(2026, 12, 1, 16, 46, tzinfo=UTC)
    assert human_datetime(moment, user.time_zone) == "1 December 2026, 11:46 EST"
    assert human_datetime(moment) == "1 December 2026, 16:46 UTC"
    page = client.get(url("auth.profile")).get_data(as_text=True)
    assert '<option selected value="America/New_York">' in page
    bad = client.post(url("auth.profile"), data={**data, "time_zone": "Mars/Olympus"})
    assert bad.status_code == 200
    db.session.refresh(user)
    assert user.time_zone == "America/New_York"
