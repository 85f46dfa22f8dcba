"""When the database is down: a styled 503 with Retry-After that needs no database itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from course import create_app
from tests.conftest import PASSWORD, _config

DEAD_URLS = {
    # A folder that does not exist: SQLite cannot open the file.
    "sqlite": "sqlite:////nonexistent-practicum-folder/down.db",
    # Nothing listens on port 9 (discard): the connection is refused at once.
    "postgresql": "postgresql+psycopg://nobody:x@127.0.0.1:9/none?connect_timeout=2",
}


@pytest.fixture(params=sorted(DEAD_URLS))
def down_app(request, tmp_path: Path):  # noqa: ANN001, ANN201
    """The same app (same secret key) pointed at a database that cannot be reached."""
    config = _config(DEAD_URLS[request.param], CERTIFICATE_KEYS_DIR=str(tmp_path / "keys"))
    return create_app(config)


def test_signed_in_user_gets_a_styled_503(client, make_user, login, down_app) -> None:  # noqa: ANN001
    login(make_user())
    assert client.get("/dashboard").status_code == 200
    cookie = client.get_cookie("session")
    browser = down_app.test_client()
    browser.set_cookie("session", cookie.value, domain="localhost")
    response = browser.get("/dashboard")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "briefly unavailable" in soup.title.get_text() + soup.get_text()
    assert soup.select_one("link[rel=stylesheet]") is not None  # styled, like every page
    assert soup.select_one("nav") is not None


def test_anonymous_pages_and_the_api_say_503_too(down_app) -> None:  # noqa: ANN001
    browser = down_app.test_client()
    page = browser.get("/")
    assert page.status_code == 503
    assert "Retry-After" in page.headers
    api = browser.get("/api/v1/courses")
    assert api.status_code == 503
    assert api.get_json()["retry_after"] == 30


def test_sign_in_while_down_is_503_not_500(down_app) -> None:  # noqa: ANN001
    browser = down_app.test_client()
    response = browser.post(
        "/auth/login", data={"email": "a@example.org", "password": PASSWORD, "csrf_token": "x"}
    )
    # The CSRF check fails first (no token in this fresh session): 400, never a 500.
    assert response.status_code in (400, 503)


def test_sqlite_busy_timeout_is_below_the_gunicorn_worker_timeout(app) -> None:  # noqa: ANN001
    from gunicorn.config import Config

    root = Path(__file__).resolve().parent.parent
    config = Config()
    for candidate in (root / "gunicorn.conf.py", root / "deploy" / "gunicorn.conf.py"):
        if candidate.exists():
            namespace: dict[str, object] = {"__file__": str(candidate)}
            exec(compile(candidate.read_text(), str(candidate), "exec"), namespace)  # noqa: S102
            if "timeout" in namespace:
                config.set("timeout", namespace["timeout"])
    busy = float(app.config["SQLITE_BUSY_TIMEOUT_SECONDS"])
    # Leave the request time to fail cleanly (and render its page) before the worker is killed.
    assert busy <= config.timeout / 2, (busy, config.timeout)
    sqlite_app = create_app(_config("sqlite:///" + str(Path(app.instance_path) / "x.db")))
    assert sqlite_app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["timeout"] == busy
