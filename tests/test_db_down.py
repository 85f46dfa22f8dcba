"""When the database is down: a styled 503 with Retry-After that needs no database itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from course import create_app
from tests.conftest import PASSWORD, _config, url

DEAD_URLS = {
    # A folder that does not exist: SQLite cannot open the file.
    "sqlite": "sqlite:////nonexistent-practicum-folder/down.db",
    # Nothing listens on port 9 (discard): the connection is refused at once.
    "postgresql": "postgresql+psycopg://nobody:x@127.0.0.1:9/none?connect_timeout=2",
}


@pytest.fixture(params=sorted(DEAD_URLS))
def down_app(request, tmp_path: Path):
    """The same app (same secret key) pointed at a database that cannot be reached."""
    config = _config(DEAD_URLS[request.param], CERTIFICATE_KEYS_DIR=str(tmp_path / "keys"))
    return create_app(config)


def test_signed_in_user_gets_a_styled_503(client, make_user, login, down_app) -> None:
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


def test_anonymous_pages_and_the_api_say_503_too(down_app) -> None:
    browser = down_app.test_client()
    page = browser.get("/")
    assert page.status_code == 503
    assert "Retry-After" in page.headers
    api = browser.get("/api/v1/courses")
    assert api.status_code == 503
    assert api.get_json()["retry_after"] == 30


def test_sign_in_while_down_is_503_not_500(down_app) -> None:
    browser = down_app.test_client()
    response = browser.post(
        "/auth/login", data={"email": "a@example.org", "password": PASSWORD, "csrf_token": "x"}
    )
    # The CSRF check fails first (no token in this fresh session): 400, never a 500.
    assert response.status_code in (400, 503)


def test_database_busy_timeout_is_below_the_gunicorn_worker_timeout(app) -> None:
    """A request waiting on a lock must fail cleanly (its 503) before gunicorn kills it."""
    from course.config import DB_BUSY_TIMEOUT

    path = Path(__file__).resolve().parent.parent / "deploy" / "gunicorn.conf.py"
    namespace: dict[str, object] = {"__file__": str(path), "__name__": "gunicorn_conf"}
    exec(compile(path.read_text(), str(path), "exec"), namespace)  # noqa: S102
    worker_timeout = int(namespace["timeout"])  # type: ignore[arg-type]
    # Leave time to roll back and render the page after the wait gives up.
    assert DB_BUSY_TIMEOUT + 10 <= worker_timeout, (DB_BUSY_TIMEOUT, worker_timeout)
    sqlite_app = create_app(_config("sqlite:///" + str(Path(app.instance_path) / "x.db")))
    options = sqlite_app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["connect_args"]["timeout"] == DB_BUSY_TIMEOUT


def test_the_verify_page_says_503_while_down(down_app) -> None:
    """The anonymous verify reads on a raw DBAPI connection (course.dbsetup.single_read):
    a failure there must still be the database-unavailable page, not a 500."""
    from course.certificates.codes import new_code

    with down_app.app_context():
        code = new_code()
        path = url("certificates.verify", code=code)
    response = down_app.test_client().get(path)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
