"""Throttling counts per account and per IP, counts failures (not successes), and helps."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from course import create_app
from course.auth.throttle import configured_workers, storage_problem
from tests.conftest import PASSWORD, _config, url

WRONG = "wrong horse battery staple"


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}


def client_from(app, ip: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def sign_in(client, email: str, password: str):
    return client.post(url("auth.login"), data={"email": email, "password": password})


def test_account_budget_holds_across_many_addresses(app, make_user) -> None:
    victim = make_user()
    for n in range(10):
        assert sign_in(client_from(app, f"10.0.0.{n}"), victim.email, WRONG).status_code == 200
    blocked = sign_in(client_from(app, "10.0.1.1"), victim.email, PASSWORD)
    assert blocked.status_code == 429
    # Another account from the same addresses is unaffected.
    other = make_user()
    assert sign_in(client_from(app, "10.0.0.1"), other.email, PASSWORD).status_code == 302


def test_successful_sign_ins_do_not_use_up_the_address_budget(app, make_user) -> None:
    # A clinic behind one NAT address: many people signing in successfully.
    users = [make_user() for _ in range(25)]
    for user in users:
        assert sign_in(client_from(app, "192.0.2.7"), user.email, PASSWORD).status_code == 302


def test_address_budget_counts_failures_across_accounts(app, make_user) -> None:
    client = client_from(app, "198.51.100.9")
    for n in range(20):
        assert sign_in(client, f"nobody{n}@example.org", WRONG).status_code == 200
    assert sign_in(client, "nobody-else@example.org", WRONG).status_code == 429


def test_429_page_says_how_long_and_keeps_the_form(app, make_user) -> None:
    user = make_user()
    client = client_from(app, "203.0.113.5")
    for _ in range(10):
        sign_in(client, user.email, WRONG)
    response = client.post(
        url("auth.login"), data={"email": user.email, "password": WRONG, "remember": "y"}
    )
    assert response.status_code == 429
    seconds = int(response.headers["Retry-After"])
    assert 0 < seconds <= 15 * 60
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "Try again in" in soup.select_one(".alert-warning").get_text()
    assert soup.select_one("input[name=email]")["value"] == user.email
    assert soup.select_one("input[name=remember]").has_attr("checked")
    assert not soup.select_one("input[name=password]").get("value")


def register(client, n: int, **changes):
    data = {
        "full_name": f"Person {n}",
        "email": f"person{n}@example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "profession": "RN",
    }
    return client.post(url("auth.register"), data=data | changes)


def test_registration_counts_only_accounts_created(app) -> None:
    for n in range(15):  # mistakes do not count
        response = register(client_from(app, "192.0.2.50"), n, confirm="does not match at all")
        assert response.status_code == 200
    for n in range(10):
        assert register(client_from(app, "192.0.2.50"), n).status_code == 302
    response = register(client_from(app, "192.0.2.50"), 99)
    assert response.status_code == 429
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.select_one("input[name=full_name]")["value"] == "Person 99"


def test_password_change_is_limited_per_user(app, client, make_user, login) -> None:
    login(make_user())
    data = {"pw-current": WRONG, "pw-password": "x" * 20, "pw-confirm": "x" * 20}
    for _ in range(5):
        assert client.post(url("auth.change_password"), data=data).status_code == 400
    response = client.post(url("auth.change_password"), data=data)
    assert response.status_code == 429
    assert "Try again in" in response.get_data(as_text=True)
    assert "Retry-After" in response.headers


@pytest.mark.parametrize(
    ("argv", "environ", "workers"),
    [
        (["gunicorn", "-w", "4", "wsgi:app"], {}, 4),
        (["gunicorn", "--workers=3", "wsgi:app"], {}, 3),
        (["gunicorn", "-w2", "wsgi:app"], {}, 2),
        (["gunicorn", "wsgi:app"], {"WEB_CONCURRENCY": "5"}, 5),
        (["gunicorn", "wsgi:app"], {"GUNICORN_CMD_ARGS": "--workers 2"}, 2),
        (["gunicorn", "wsgi:app"], {}, 1),
    ],
)
def test_worker_count_is_read_like_gunicorn(argv, environ, workers: int) -> None:
    assert configured_workers(argv, environ) == workers


def test_memory_storage_with_several_workers_is_refused(monkeypatch) -> None:
    assert storage_problem("memory://", 1) is None
    assert storage_problem("redis://localhost:6379/0", 4) is None
    assert "redis://" in storage_problem("memory://", 2)
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    with pytest.raises(RuntimeError, match="each keep their own counts"):
        create_app(_config("sqlite://", RATELIMIT_ENABLED=True))


def test_reset_requests_are_limited_per_account_and_keep_the_form(app, make_user) -> None:
    user = make_user()
    for n in range(3):
        response = client_from(app, f"10.9.0.{n}").post(
            url("auth.forgot_password"), data={"email": user.email}
        )
        assert response.status_code == 302
    blocked = client_from(app, "10.9.1.1").post(
        url("auth.forgot_password"), data={"email": user.email}
    )
    assert blocked.status_code == 429
    soup = BeautifulSoup(blocked.get_data(as_text=True), "html.parser")
    assert soup.select_one("input[name=email]")["value"] == user.email
    assert "Try again in" in soup.get_text()


def test_confirmation_emails_are_limited_per_user(app, client, make_user, login) -> None:
    login(make_user(verified=False))
    for _ in range(5):
        assert client.post(url("auth.resend_verification")).status_code == 302
    assert client.post(url("auth.resend_verification")).status_code == 429
