"""Revocable sessions: a copied cookie dies with logout, password change and sign-out-everywhere."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from course import clock
from course.models import UserSession
from tests.conftest import PASSWORD, url

NEW_PASSWORD = "new horse battery staple x"


def steal(app: Flask, victim, names=("session",)):
    """A second browser holding copies of the victim's cookies."""
    thief = app.test_client()
    for name in names:
        cookie = victim.get_cookie(name)
        assert cookie is not None, f"victim has no {name} cookie"
        thief.set_cookie(name, cookie.value, domain="localhost")
    return thief


def signed_in(client) -> bool:
    return client.get(url("learning.dashboard")).status_code == 200


def remembered_login(client, user, remember: bool = True):
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post(url("auth.login"), data=data).status_code == 302


def test_stolen_session_cookie_dies_at_logout(app, client, make_user, login) -> None:
    login(make_user())
    thief = steal(app, client)
    assert signed_in(thief)
    client.post(url("auth.logout"))
    assert not signed_in(thief)
    assert not signed_in(client)


def test_stolen_cookie_dies_after_password_change_but_the_changer_stays(
    app, client, make_user, login
) -> None:
    user = login(make_user())
    other_device = app.test_client()
    remembered_login(other_device, user)
    thief = steal(app, client)
    response = client.post(
        url("auth.change_password"),
        data={"pw-current": PASSWORD, "pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert signed_in(client)  # the browser that changed it gets a fresh session
    assert not signed_in(thief)
    assert not signed_in(other_device)


def test_sign_out_everywhere_kills_every_copy(app, client, make_user, login, db) -> None:
    user = login(make_user())
    phone = app.test_client()
    remembered_login(phone, user)
    thief = steal(app, phone, names=("session", "remember_token"))
    assert signed_in(thief)
    response = client.post(url("auth.revoke_everywhere"))
    assert response.status_code == 302
    assert not signed_in(client)
    assert not signed_in(phone)
    assert not signed_in(thief)
    assert db.session.scalars(select(UserSession)).all() == []


@pytest.mark.parametrize("how", ["logout", "password", "everywhere"])
def test_stolen_remember_cookie_alone_is_revoked(app, client, make_user, how: str) -> None:
    user = make_user()
    remembered_login(client, user)
    remember = client.get_cookie("remember_token")
    assert remember is not None
    assert "|" in remember.value
    assert not remember.value.startswith(f"{user.id}|")
    thief = app.test_client()
    thief.set_cookie("remember_token", remember.value, domain="localhost")
    assert signed_in(thief)  # the remember cookie alone signs in: it is a real credential
    thief_again = app.test_client()
    thief_again.set_cookie("remember_token", remember.value, domain="localhost")
    if how == "logout":
        client.post(url("auth.logout"))
    elif how == "password":
        client.post(
            url("auth.change_password"),
            data={"pw-current": PASSWORD, "pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD},
        )
    else:
        client.post(url("auth.revoke_everywhere"))
    assert not signed_in(thief_again)
    assert not signed_in(thief)


def test_sign_out_one_device_from_the_profile(app, client, make_user, login, get_page, db) -> None:
    user = login(make_user())
    phone = app.test_client(use_cookies=True)
    phone.environ_base["HTTP_USER_AGENT"] = "Phone Browser/1.0"
    remembered_login(phone, user)
    page = get_page("auth.profile")
    text = page.get_text(" ")
    assert "Phone Browser/1.0" in text
    assert "This device" in text
    phone_row = db.session.scalar(
        select(UserSession).where(UserSession.user_agent == "Phone Browser/1.0")
    )
    assert client.post(url("auth.revoke_device", session_id=phone_row.id)).status_code == 302
    assert not signed_in(phone)
    assert signed_in(client)


def test_cannot_revoke_someone_elses_session(app, client, make_user, login, db) -> None:
    other = make_user()
    other_client = app.test_client()
    remembered_login(other_client, other, remember=False)
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == other.id))
    login(make_user())
    assert client.post(url("auth.revoke_device", session_id=row.id)).status_code == 404
    assert signed_in(other_client)


def test_deactivated_user_is_signed_out(client, make_user, login, db) -> None:
    user = login(make_user())
    user.active = False
    db.session.commit()
    assert not signed_in(client)


def test_session_expires_server_side(app, client, make_user, login, monkeypatch) -> None:
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=12)  # the real default
    login(make_user())
    later = clock.now() + timedelta(hours=13)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert not signed_in(client)


def test_csrf_token_rotates_at_login_and_logout(client, make_user) -> None:
    user = make_user()
    with client.session_transaction() as session:
        session["csrf_token"] = "planted-by-attacker"
        session["anything"] = "planted"
    # The sign-in form itself carries the planted token (the page was served with it)...
    response = client.post(url("auth.login"), data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    # ...but neither it nor anything else planted survives the sign-in.
    with client.session_transaction() as session:
        assert session.get("csrf_token") != "planted-by-attacker"
        assert "anything" not in session
    signed_in_token = client.csrf_token()
    with client.session_transaction() as session:
        raw = session["csrf_token"]
    client.post(url("auth.logout"))
    with client.session_transaction() as session:
        assert session.get("csrf_token") != raw
    assert signed_in_token


def test_production_cookie_names_and_lifetimes(monkeypatch) -> None:
    from course import create_app

    monkeypatch.setenv("PRACTICUM_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": "sqlite://", "PUBLIC_BASE_URL": "https://p.example"}
    )
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["REMEMBER_COOKIE_NAME"] == "__Host-remember"
    assert app.config["SESSION_COOKIE_SECURE"]
    assert app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["PERMANENT_SESSION_LIFETIME"] <= timedelta(days=1)
    assert app.config["REMEMBER_COOKIE_DURATION"] <= timedelta(days=30)


def test_cli_deactivation_revokes_every_session(app, client, make_user, login, db) -> None:
    user = login(make_user())
    thief = steal(app, client)
    result = app.test_cli_runner().invoke(
        args=["users", "deactivate", "--email", user.email, "--reason", "left the practice"]
    )
    assert result.exit_code == 0, result.output
    assert "1 session(s) revoked" in result.output
    assert db.session.scalars(select(UserSession)).all() == []
    assert not signed_in(thief)
    assert not signed_in(client)
