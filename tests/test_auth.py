"""Registration, sign-in, sign-out, profile and the users CLI."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course.auth.views import LOGIN_FAILED, safe_next
from course.models import Role, User
from tests.conftest import PASSWORD, url

GOOD = {
    "full_name": "Zoë Łukasiewicz-Núñez",
    "email": "Zoe.L@Example.ORG",
    "password": PASSWORD,
    "confirm": PASSWORD,
    "profession": "NP",
    "licence_number": "NP-12345",
    "licence_state": "NC",
}


def register(client, **changes):
    return client.post(url("auth.register"), data={**GOOD, **changes})


def test_register_creates_learner_with_unicode_name(client, db) -> None:
    response = register(client)
    assert response.status_code == 302
    user = db.session.scalar(select(User))
    assert user.full_name == "Zoë Łukasiewicz-Núñez"
    assert user.email == "zoe.l@example.org"
    assert user.role == Role.LEARNER
    assert user.profession == "NP"
    assert user.licence_number == "NP-12345"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_email_is_unique_regardless_of_case_and_existence_is_not_revealed(client, db) -> None:
    first = register(client)
    second = register(client, email="ZOE.l@example.org", full_name="Someone Else")
    # The same answer either way: "check your inbox" (the owner is emailed instead).
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.query(User).count() == 1
    assert client.get(url("learning.dashboard")).status_code == 302  # registering signs nobody in


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass", "at least 12"),
        ("password1234", "commonly used"),
        ("qwertyuiop12", "commonly used"),
        ("aaaaaaaaaaaaaaaa", "too weak"),
    ],
)
def test_password_policy(client, db, password: str, message: str) -> None:
    response = register(client, password=password, confirm=password)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.query(User).count() == 0


def test_register_rejects_unknown_profession_and_mismatch(client, db) -> None:
    response = register(client, profession="Wizard", confirm="something else entirely")
    body = response.get_data(as_text=True)
    assert "Not a valid choice" in body
    assert "do not match" in body
    assert db.session.query(User).count() == 0


def test_login_error_does_not_reveal_account_existence(client, make_user) -> None:
    user = make_user()
    wrong_password = client.post(
        url("auth.login"), data={"email": user.email, "password": "x" * 14}
    )
    no_account = client.post(
        url("auth.login"), data={"email": "nobody@example.org", "password": "x" * 14}
    )
    assert wrong_password.status_code == no_account.status_code == 200
    assert LOGIN_FAILED in wrong_password.get_data(as_text=True)
    assert LOGIN_FAILED in no_account.get_data(as_text=True)


def test_login_is_case_insensitive_and_follows_safe_next(client, make_user) -> None:
    user = make_user()
    response = client.post(
        url("auth.login"),
        data={"email": user.email.upper(), "password": PASSWORD, "next": "/dashboard"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")


def test_login_refuses_open_redirect(client, make_user) -> None:
    user = make_user()
    response = client.post(
        url("auth.login"),
        data={"email": user.email, "password": PASSWORD, "next": "https://evil.example/x"},
    )
    assert "evil.example" not in response.headers["Location"]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/dashboard", "/dashboard"),
        ("/courses/x?y=1", "/courses/x?y=1"),
        ("//evil.example", None),
        ("https://evil.example", None),
        ("/\\evil.example", None),
        ("javascript:alert(1)", None),
        ("", None),
    ],
)
def test_safe_next(target: str, expected: str | None) -> None:
    assert safe_next(target) == expected


def test_remember_me_sets_cookie(client, make_user) -> None:
    user = make_user()
    response = client.post(
        url("auth.login"), data={"email": user.email, "password": PASSWORD, "remember": "y"}
    )
    assert any("remember_token" in h for h in response.headers.getlist("Set-Cookie"))
    client.post(url("auth.logout"))
    plain = client.post(url("auth.login"), data={"email": user.email, "password": PASSWORD})
    assert not any(
        "remember_token=" in h and "Expires=Thu, 01 Jan 1970" not in h
        for h in plain.headers.getlist("Set-Cookie")
    )


def test_inactive_user_cannot_sign_in(client, make_user, db) -> None:
    user = make_user()
    user.active = False
    db.session.commit()
    response = client.post(url("auth.login"), data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert LOGIN_FAILED in response.get_data(as_text=True)


def test_logout_requires_post(client, make_user, login) -> None:
    login(make_user())
    assert client.get("/auth/logout").status_code == 405
    assert client.post(url("auth.logout")).status_code == 302
    assert client.get(url("learning.dashboard")).status_code == 302  # back to login


def test_profile_edit(client, make_user, login, db, get_page) -> None:
    user = login(make_user())
    get_page("auth.profile")
    response = client.post(
        url("auth.profile"),
        data={
            "full_name": "  Søren   Ærø ",
            "profession": "RN",
            "licence_number": "",
            "licence_state": "",
        },
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.full_name == "Søren Ærø"
    assert user.profession == "RN"
    assert user.licence_number is None


def test_change_password(client, make_user, login, db) -> None:
    user = login(make_user())
    bad = client.post(
        url("auth.change_password"),
        data={
            "pw-current": "wrong wrong wrong",
            "pw-password": "new horse battery staple x",
            "pw-confirm": "new horse battery staple x",
        },
    )
    assert bad.status_code == 400
    assert "incorrect" in bad.get_data(as_text=True)
    good = client.post(
        url("auth.change_password"),
        data={
            "pw-current": PASSWORD,
            "pw-password": "new horse battery staple x",
            "pw-confirm": "new horse battery staple x",
        },
    )
    assert good.status_code == 302
    client.post(url("auth.logout"))
    assert (
        client.post(
            url("auth.login"), data={"email": user.email, "password": "new horse battery staple x"}
        ).status_code
        == 302
    )


def test_cli_create_user_generates_password(app, db) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create", "--email", "Admin@Example.org", "--role", "admin", "--generate"]
    )
    assert result.exit_code == 0, result.output
    assert "Password (shown once):" in result.output
    user = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    assert user.role == Role.ADMIN
    again = runner.invoke(args=["users", "create", "--email", "admin@example.org", "--generate"])
    assert again.exit_code != 0
    assert "already exists" in again.output


def test_cli_create_user_prompts_for_password(app, db) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create", "--email", "i@example.org", "--role", "instructor"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.role).where(User.email == "i@example.org")) == (
        Role.INSTRUCTOR
    )
    weak = runner.invoke(
        args=["users", "create", "--email", "w@example.org"], input="password1234\npassword1234\n"
    )
    assert weak.exit_code != 0
    assert "commonly used" in weak.output


def test_demo_users_only_in_development(app) -> None:
    result = app.test_cli_runner().invoke(args=["users", "demo"])
    assert result.exit_code != 0
    assert "only created in development" in result.output


def test_production_refuses_to_start_without_secret(monkeypatch) -> None:
    from course import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PRACTICUM_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_post_without_csrf_token_is_rejected(client, make_user) -> None:
    user = make_user()
    response = client.post(
        url("auth.login"), data={"email": user.email, "password": PASSWORD}, csrf=False
    )
    assert response.status_code == 400
