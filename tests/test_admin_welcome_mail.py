"""Admin-created accounts: no password is shown; a first-sign-in email sets one and signs in.

Runs over a real SMTP server in-process (tests/smtpkit.py); the huey queue is immediate here.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from course import clock
from course.models import AuditEntry, Role, User
from tests.conftest import url
from tests.smtpkit import inbox, link, parts, smtp_app_config, smtp_port

NEW_PASSWORD = "a first passphrase of my own"
BASE = "https://practicum.example.org"


__all__ = ["inbox", "smtp_port"]  # fixtures, imported for use here


@pytest.fixture
def app_config(smtp_port: int) -> dict[str, object]:
    return smtp_app_config(smtp_port, BASE)


def _create(client, make_user, login, email: str = "Dana@Example.org"):
    login(make_user(role=Role.ADMIN))
    data = {"full_name": "Dana Okafor", "email": email, "profession": "RN", "role": "learner"}
    response = client.post(url("admin.create"), data=data)
    client.post(url("auth.logout"))
    return response


def test_created_account_gets_a_link_that_sets_the_password_and_signs_in(
    app, client, db, make_user, login, inbox
) -> None:
    response = _create(client, make_user, login)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "dana@example.org"))
    assert response.headers["Location"].endswith(f"/admin/users/{user.id}")
    [message] = inbox.wait_for(1)
    assert "dana@example.org" in str(message["To"])
    assert message["Subject"] == "Practicum: set your password"
    text, html = parts(message)
    assert "Set your password" in html
    assert "seven days" in text
    address = link(message, "/auth/welcome/")
    assert address.startswith(f"{BASE}/auth/welcome/")
    path = urlsplit(address).path
    page = client.get(path)
    assert page.status_code == 200
    assert "dana@example.org" in page.get_data(as_text=True)
    assert client.get(url("learning.dashboard")).status_code == 302  # not signed in yet
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert done.headers["Location"].endswith("/dashboard")
    dashboard = client.get(url("learning.dashboard"))
    assert dashboard.status_code == 200  # signed in by the link
    db.session.refresh(user)
    assert user.email_verified_at is not None
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.target_id == user.id))
    assert {"user.create", "auth.first_password"} <= set(actions)
    # single use: the link names the password hash it replaced
    client.post(url("auth.logout"))
    assert client.get(path).status_code == 400
    signin = client.post(url("auth.login"), data={"email": user.email, "password": NEW_PASSWORD})
    assert signin.status_code == 302
    assert client.get(url("learning.dashboard")).status_code == 200


def test_the_admin_sees_no_password_anywhere(app, client, db, make_user, login, inbox) -> None:
    login(make_user(role=Role.ADMIN))
    data = {"full_name": "Dana Okafor", "email": "dana@example.org", "profession": "RN"}
    page = client.post(url("admin.create"), data={**data, "role": "learner"}, follow_redirects=True)
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "emailed dana@example.org a link to set their password" in body
    assert "temporary" not in body.lower()
    [message] = inbox.wait_for(1)
    text, _ = parts(message)
    assert "password:" not in text.lower()  # the mail carries a link, never a password


def test_a_weak_password_is_refused_and_the_link_still_works(
    app, client, db, make_user, login, inbox
) -> None:
    _create(client, make_user, login)
    [message] = inbox.wait_for(1)
    path = urlsplit(link(message, "/auth/welcome/")).path
    short = client.post(path, data={"password": "short", "confirm": "short"})
    assert short.status_code == 400
    assert client.get(url("learning.dashboard")).status_code == 302
    assert (
        client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code
        == 302
    )


def test_the_link_expires_after_seven_days(app, client, db, make_user, login, inbox, monkeypatch):
    _create(client, make_user, login)
    [message] = inbox.wait_for(1)
    path = urlsplit(link(message, "/auth/welcome/")).path
    later = clock.now() + timedelta(days=7, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    expired = client.get(path)
    assert expired.status_code == 400
    assert "Ask your administrator" in expired.get_data(as_text=True)
    assert client.get(url("auth.welcome", token="forged-token")).status_code == 400
