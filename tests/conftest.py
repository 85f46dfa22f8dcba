"""Shared fixtures: app, db, client, make_user, login, get_page, count_queries, course content."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask, g, url_for
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event, select

from course import create_app
from course.auth.services import create_user
from course.config import ENV_KEYS
from course.content.bundle import ContentBundle
from course.extensions import db as _db
from course.models import Course, Role, User
from tests import dbkit
from tests.dbkit import real_bundle

ROOT = Path(__file__).resolve().parent.parent
SHARED = next(
    (p for p in (ROOT.parent / "shared", Path("/work/shared")) if p.exists()),
    ROOT.parent / "shared",
)
PASSWORD = "correct horse battery staple"

# The cross-instance tests need the cluster `make cluster-test` starts; the plain suite does not
# collect them at all (rather than skipping them), and CI runs them through that target.
collect_ignore = [] if os.environ.get("PRACTICUM_CLUSTER_URL") else ["cluster"]


def _memoise_url_rule_builders() -> None:
    """Compile each URL rule's builder once per process rather than once per test app.

    Every test makes a new app, and werkzeug generates and compiles two small Python functions
    per URL rule (two thirds of create_app's ~35 ms). The generated code depends only on the
    rule's parsed parts and defaults, and reads the converters from the rule it is bound to at
    call time, so the same compiled function serves the identical rule of the next app.
    """
    from werkzeug.routing.rules import Rule

    if getattr(Rule, "_memoised_for_tests", False):  # conftest is imported twice (tests.conftest)
        return
    Rule._memoised_for_tests = True  # type: ignore[attr-defined]
    original = Rule._compile_builder
    compiled: dict[tuple[object, ...], Callable[..., tuple[str, str]]] = {}

    def compile_builder(self: Rule, append_unknown: bool = True):
        key = (self.rule, repr(self._trace), repr(sorted((self.defaults or {}).items())))
        key = (*key, append_unknown)
        if key not in compiled:
            compiled[key] = original(self, append_unknown)
        return compiled[key]

    Rule._compile_builder = compile_builder  # type: ignore[method-assign]


def _memoise_url_rule_parsing() -> None:
    """Parse each URL rule string once per process rather than once per test app.

    After the builders, parsing the rule strings is the largest part of create_app (a regex
    walk per segment and per converter). The parts depend only on the rule string and the
    converter classes, so a later app replays them; every rule still gets converter objects
    of its own, made by its own map (the parsed parts are only ever read).
    """
    from werkzeug.routing.rules import Rule

    if getattr(Rule, "_parsing_memoised_for_tests", False):
        return
    Rule._parsing_memoised_for_tests = True  # type: ignore[attr-defined]
    original = Rule._parse_rule
    parsed: dict[tuple[object, ...], tuple[list, list, list]] = {}

    def parse_rule(self: Rule, rule: str):
        key = (rule, tuple(sorted(self.map.converters.items())))
        if key not in parsed:
            trace_start = len(self._trace)
            made: list[tuple[str, str, tuple, dict]] = []

            def get_converter(variable, converter, args, kwargs):
                made.append((variable, converter, args, dict(kwargs)))
                return Rule.get_converter(self, variable, converter, args, kwargs)

            self.get_converter = get_converter  # type: ignore[method-assign]
            try:
                parts = list(original(self, rule))
            finally:
                del self.get_converter
            parsed[key] = (parts, self._trace[trace_start:], made)
            return parts
        parts, trace, made = parsed[key]
        self._trace.extend(trace)
        for variable, converter, args, kwargs in made:
            self._converters[variable] = self.get_converter(variable, converter, args, kwargs)
            self.arguments.add(variable)
        return parts

    Rule._parse_rule = parse_rule  # type: ignore[method-assign]


_memoise_url_rule_builders()
_memoise_url_rule_parsing()


def pytest_configure(config: pytest.Config) -> None:
    """Keep the developer's instance/ and exported settings out of every app the suite makes.

    `make run` leaves instance/config.py (a SECRET_KEY), instance/keys and instance/practicum.db
    in the checkout; each test app gets an empty temporary instance folder instead.
    """
    for name in ("PRACTICUM_ENV", "DATABASE_URL", *ENV_KEYS):
        os.environ.pop(name, None)
    os.environ["PRACTICUM_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="practicum-test-instance-")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"):
        os.environ["TEST_DATABASE_URL"] = _worker_database(os.environ["TEST_DATABASE_URL"], worker)


def _worker_database(url: str, worker: str) -> str:
    """Give a pytest-xdist worker a PostgreSQL database of its own, created afresh."""
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    plain = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.set(database=name).render_as_string(hide_password=False)


# Files whose parametrised cases are each heavy and independent (one sweep of every route per
# case). Under `--dist loadfile` (make test) every other file stays on one worker, so its
# module-scoped fixtures, such as the browser tests' live server, start once; these files'
# cases are spread over the workers instead of queueing on one (~35 s of CPU in
# test_bad_input.py alone).
SPREAD_FILES = {"test_bad_input.py", "test_roles.py"}


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """loadfile, except that the cases of SPREAD_FILES are scheduled one by one."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FileScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return nodeid if Path(path).name in SPREAD_FILES else path

    return FileScheduling(config, log)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the suite's temporary instance folder."""
    shutil.rmtree(os.environ.pop("PRACTICUM_INSTANCE_PATH", ""), ignore_errors=True)


def database_url() -> str:
    """SQLite in memory by default; TEST_DATABASE_URL points the suite at PostgreSQL."""
    return os.environ.get("TEST_DATABASE_URL", "sqlite://")


def is_postgres() -> bool:
    """True when the suite runs against PostgreSQL."""
    return database_url().startswith("postgres")


def _config(url: str, **extra: object) -> dict[str, object]:
    config: dict[str, object] = {
        "ENV_NAME": "testing",
        "SQLALCHEMY_DATABASE_URI": url,
        # The real course asks learners to acknowledge its activity page before any content;
        # tests of other features skip that step, tests/test_ce_*.py switch it back on.
        "CE_ACKNOWLEDGEMENT_GATE": False,
    }
    if url == "sqlite://":
        from sqlalchemy.pool import StaticPool

        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "poolclass": StaticPool,
            "connect_args": {"check_same_thread": False},
        }
    config.update(extra)
    return config


@pytest.fixture
def app_config() -> dict[str, object]:
    """Extra config for the `app` fixture; override in a module to change it."""
    return {}


@pytest.fixture
def app(app_config: dict[str, object], tmp_path: Path) -> Iterator[Flask]:
    """A fresh app with an empty schema; signing keys go to a temporary folder, never instance/."""
    config = {"CERTIFICATE_KEYS_DIR": str(tmp_path / "keys"), **app_config}
    application = create_app(_config(database_url(), **config))
    application.test_client_class = CSRFClient
    application.jinja_env.bytecode_cache = dbkit.TEMPLATE_CACHE

    def fresh_request_state() -> None:
        # The fixture keeps one app context open, which requests then share. In production
        # each request gets its own, so reset what would otherwise leak between requests
        # (first of all hooks, as a fresh context would be).
        g.pop("_login_user", None)
        _db.session.expire_all()

    application.before_request_funcs.setdefault(None, []).insert(0, fresh_request_state)

    with application.app_context():
        drop_after = dbkit.fresh_schema(application)
        yield application
        _db.session.remove()
        if drop_after:  # in-memory SQLite vanishes with its engine; PostgreSQL is truncated
            _db.drop_all()
        _db.engine.dispose()


@pytest.fixture
def db(app: Flask):
    """The SQLAlchemy extension, bound to the test app."""
    return _db


class CSRFClient(FlaskClient):
    """A test client whose POSTs carry a valid CSRF token, as a browser's would.

    Pass csrf=False to post without one (to test the protection itself).
    """

    def csrf_token(self) -> str:
        """Return a signed token for this client's session (Flask-WTF's scheme)."""
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", secrets.token_hex(20))
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return str(serializer.dumps(raw))

    def post(self, *args, csrf: bool = True, **kwargs):
        """POST with the token added to form data (and any prefixed forms) and as a header."""
        if csrf:
            token = self.csrf_token()
            data = kwargs.get("data")
            if isinstance(data, dict):
                data = dict(data)
                data.setdefault("csrf_token", token)
                for prefix in {k.split("-", 1)[0] for k in data if "-" in k}:
                    data.setdefault(f"{prefix}-csrf_token", token)
                kwargs["data"] = data
            elif data is None and "json" not in kwargs:
                kwargs["data"] = {"csrf_token": token}
            headers = dict(kwargs.get("headers") or {})
            headers.setdefault("X-CSRFToken", token)
            kwargs["headers"] = headers
        return super().post(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client that behaves like a browser with respect to CSRF."""
    return app.test_client()


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    """Create and commit a user: make_user(role=Role.ADMIN, email=..., full_name=...)."""
    counter = iter(range(1, 10_000))

    def factory(role: Role = Role.LEARNER, **fields: object) -> User:
        n = next(counter)
        data: dict[str, object] = {
            "email": f"user{n}-{role.value}@example.org",
            "password": PASSWORD,
            "full_name": f"Test {role.value.title()} {n}",
            "profession": "MD",
            "verified": True,
        }
        data.update(fields)
        user = create_user(role=role, **data)  # type: ignore[arg-type]
        db.session.commit()
        return user

    return factory


@pytest.fixture
def login(client: FlaskClient) -> Callable[[User], User]:
    """Sign a user in through the real login form."""

    def do_login(user: User, password: str = PASSWORD) -> User:
        response = client.post("/auth/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return do_login


def url(endpoint: str, **values: object) -> str:
    """The path of `endpoint` with `values` (flask.url_for, relative); needs an app context.

    Tests name pages by endpoint; a literal path appears only where the path itself is what is
    tested (tests/test_suite_rules.py counts them).
    """
    return url_for(endpoint, _external=False, **values)


@pytest.fixture(name="url")
def url_fixture(app: Flask) -> Callable[..., str]:
    """`url(endpoint, **values)`: the path of an endpoint, as in templates."""
    return url


@pytest.fixture
def get_page(client: FlaskClient) -> Callable[..., BeautifulSoup]:
    """GET a page, assert the status, a <title>, unique ids and CSRF on every POST form.

    get_page("learning.module", slug=..., number=...) names the page by endpoint and values;
    get_page("/literal/path") fetches a path as written, for tests of the URL itself.
    """

    def fetch(target: str, expected: int = 200, **values: object) -> BeautifulSoup:
        literal = "/" in target  # a path or a full URL; an endpoint name has no slash
        path = target if literal else url(target, **values)
        assert not (values and literal), "values go with an endpoint, not a path"
        response = client.get(path)
        assert response.status_code == expected, f"{path}: {response.status_code}"
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        assert soup.title, f"{path}: no <title>"
        assert soup.title.get_text(strip=True), f"{path}: empty <title>"
        ids = [tag["id"] for tag in soup.find_all(id=True)]
        duplicates = {i for i in ids if ids.count(i) > 1}
        assert not duplicates, f"{path}: duplicate ids {duplicates}"
        for form in soup.find_all("form"):
            if (form.get("method") or "get").lower() == "post":
                assert form.find("input", attrs={"name": re.compile(r"(^|-)csrf_token$")}), (
                    f"{path}: POST form without CSRF field: {form.get('action')}"
                )
        return soup

    return fetch


TRANSACTION_CONTROL = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.I)


class QueryCounter:
    """Collects the SQL statements executed inside a `with count_queries() as q:` block."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        """How many statements ran."""
        return len(self.statements)


@pytest.fixture
def count_queries(db):
    """Context manager counting every SQL statement sent to the database."""

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def before(conn, cursor, statement, parameters, context, executemany):
            if not TRANSACTION_CONTROL.match(statement):
                counter.statements.append(statement)

        engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counting


def sync_real_course(bundle: ContentBundle | None = None, key: str = "full") -> Course:
    """Sync the real course (or `bundle`) into the test database, committed; return the course.

    The first sync in a test process is real; later ones into a fresh in-memory database copy
    its result (see dbkit.py). tests/test_content.py exercises sync itself.
    """
    from course.content.sync import sync_bundle

    def sync() -> None:
        sync_bundle(bundle or real_bundle())
        _db.session.commit()

    dbkit.synced(key, sync)
    return _db.session.scalars(select(Course)).one()


@pytest.fixture
def course_content(db) -> Course:
    """Sync the real course into the test database."""
    return sync_real_course()


# The people most tests need, defined here once. A bare name is a user who is not signed in;
# `signed_in_...` signs that user in on `client` through the real login form. `staff` is the
# signed-in instructor (its long-standing meaning). Modules must not redefine these names
# (tests/test_suite_rules.py); a module that needs someone particular names them differently.


@pytest.fixture
def admin(make_user) -> User:
    """An administrator, Ada Admin <ada@example.org>, not signed in."""
    return make_user(role=Role.ADMIN, full_name="Ada Admin", email="ada@example.org")


@pytest.fixture
def signed_in_admin(admin: User, login) -> User:
    """The `admin`, signed in on `client`."""
    return login(admin)


@pytest.fixture
def learner(make_user) -> User:
    """A learner (an MD), not signed in."""
    return make_user()


@pytest.fixture
def signed_in_learner(learner: User, login) -> User:
    """The `learner`, signed in on `client`."""
    return login(learner)


@pytest.fixture
def instructor(make_user) -> User:
    """An instructor, not signed in."""
    return make_user(role=Role.INSTRUCTOR)


@pytest.fixture
def staff(instructor: User, login) -> User:
    """The `instructor`, signed in on `client`."""
    return login(instructor)
