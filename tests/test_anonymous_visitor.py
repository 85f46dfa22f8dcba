"""An anonymous visitor costs no user load (issue 17): no loader call, no identifier hash."""

from __future__ import annotations

from flask_login.config import COOKIE_NAME

from course.auth import sessions
from tests.conftest import PASSWORD, url


def _spy(app, monkeypatch) -> dict[str, int]:
    calls = {"loader": 0, "identifier": 0}
    load = sessions.load_session_user
    manager = app.login_manager
    identify = manager._session_identifier_generator

    def counted_load(*args, **kwargs):
        calls["loader"] += 1
        return load(*args, **kwargs)

    def counted_identifier(*args, **kwargs):
        calls["identifier"] += 1
        return identify(*args, **kwargs)

    monkeypatch.setattr(sessions, "load_session_user", counted_load)
    monkeypatch.setattr(manager, "_session_identifier_generator", counted_identifier)
    return calls


def test_a_visitor_without_a_session_is_anonymous_without_a_user_load(
    app, client, monkeypatch
) -> None:
    calls = _spy(app, monkeypatch)
    page = client.get(url("learning.catalog"))
    assert page.status_code == 200
    assert "Sign in" in page.get_data(as_text=True)
    assert calls == {"loader": 0, "identifier": 0}


def test_a_signed_in_session_and_a_remember_cookie_still_load_their_user(
    app, client, learner, monkeypatch
) -> None:
    form = {"email": learner.email, "password": PASSWORD, "remember": "y"}
    assert client.post(url("auth.login"), data=form).status_code == 302
    calls = _spy(app, monkeypatch)
    page = client.get(url("learning.dashboard"))
    assert page.status_code == 200
    assert learner.full_name in page.get_data(as_text=True)
    assert calls["loader"] == 1
    assert calls["identifier"] >= 1  # session protection still checks the signed-in session

    cookie_name = app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)
    cookie = client.get_cookie(cookie_name)
    assert cookie is not None
    remembered = app.test_client()  # a new browser holding only the remember-me cookie
    remembered.set_cookie(cookie.key, cookie.value)
    calls["loader"] = 0
    again = remembered.get(url("learning.dashboard"))
    assert again.status_code == 200
    assert learner.full_name in again.get_data(as_text=True)
