"""Browser fixtures: the real app on a live server, driven by Debian's Chromium via Playwright.

A test module picks its course content by overriding `course_variant` (or by parametrising
`live_server` indirectly) with LESSONS_ONLY or LESSONS_AND_QUIZZES.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from course import create_app
from course.extensions import db
from course.models import Course, Quiz
from tests.livekit import closing_before_send

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright, Response

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
NO_CHROMIUM = (
    "BROWSER TESTS SKIPPED: chromium not found at /usr/bin/chromium; "
    "install it with apt-get install chromium"
)
NO_PLAYWRIGHT = (
    "BROWSER TESTS SKIPPED: the Python package playwright is not importable; "
    "install it into .venv with pip (never run `playwright install`)"
)
LESSONS_ONLY = "lessons only"
LESSONS_AND_QUIZZES = "lessons + quizzes"
PASSWORD = "correct horse battery staple"
TIMEOUT_MS = 10_000
REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


def browser_required() -> bool:
    """True when REQUIRE_BROWSER=1 forbids skipping browser tests."""
    return os.environ.get("REQUIRE_BROWSER") == "1"


def _unavailable(reason: str) -> NoReturn:
    """Fail loudly when a browser is required, else skip loudly."""
    if browser_required():
        failure = reason.replace(
            "BROWSER TESTS SKIPPED", "BROWSER TESTS FAILED (REQUIRE_BROWSER=1)"
        )
        pytest.fail(failure, pytrace=False)
    pytest.skip(reason)


def _is_e2e(item: pytest.Item) -> bool:
    return Path(str(item.path)).resolve().is_relative_to(Path(__file__).resolve().parent)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report (for screenshots); with REQUIRE_BROWSER=1 a skip is a failure."""
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    if report.skipped and browser_required() and _is_e2e(item):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        report.outcome = "failed"
        report.longrepr = f"REQUIRE_BROWSER=1 forbids skipping browser tests: {reason}"
    return report


@dataclass
class LiveServer:
    """The app served over real HTTP, plus direct access to its database."""

    app: Flask
    url: str
    variant: str

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Open a database session on the server's database (for server-side look-ups)."""
        with self.app.app_context():
            try:
                yield db.session
            finally:
                db.session.remove()


@dataclass(frozen=True)
class ModuleFacts:
    """What the database says about one module (plain values, no session needed)."""

    position: int
    slug: str
    title: str
    objectives: list[str]
    citations: list[str]


@dataclass(frozen=True)
class CourseFacts:
    """What the database says about the synced course."""

    slug: str
    title: str
    modules: list[ModuleFacts]
    quiz_count: int


def _database_url(folder: Path) -> str:
    """A SQLite file both threads share, or the PostgreSQL URL in TEST_DATABASE_URL."""
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{folder / 'e2e.db'}"


def _sync_content(variant: str) -> None:
    """Sync the real course: lessons only, or lessons with their question banks."""
    from course.content.loader import load_content
    from course.content.sync import sync_bundle

    if variant not in (LESSONS_ONLY, LESSONS_AND_QUIZZES):
        raise ValueError(f"unknown course variant {variant!r}")
    quiz_dir = ROOT / "quizzes" if variant == LESSONS_AND_QUIZZES else None
    bundle = load_content(ROOT / "modules", quiz_dir)
    assert bundle.ok, [str(p) for p in bundle.problems]
    sync_bundle(bundle)
    db.session.commit()


def _live_app(url: str) -> Flask:
    return create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": url,
            "SERVER_NAME": None,
            "RATELIMIT_ENABLED": False,
            "CE_ACKNOWLEDGEMENT_GATE": False,  # the CE journey switches it on
        }
    )


def _build_database(app: Flask, variant: str) -> None:
    """A fresh schema with the course synced into it."""
    with app.app_context():
        db.drop_all()
        db.create_all()
        _sync_content(variant)
        db.session.remove()


def _copy_sqlite(source: Path, target: Path) -> None:
    """Copy a SQLite database with SQLite's own backup (safe whatever the journal mode)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


_TEMPLATES: dict[str, Path] = {}


def _synced_template(variant: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the schema and `variant` synced, built once per test process.

    Every browser test module used to create the schema and sync the real course (~2 s each);
    each now starts from a copy of the same result, so modules still never share a database.
    """
    if variant not in _TEMPLATES:
        path = tmp_path_factory.mktemp("e2e-template") / "template.db"
        app = _live_app(f"sqlite:///{path}")
        _build_database(app, variant)
        with app.app_context():
            db.engine.dispose()
        _TEMPLATES[variant] = path
    return _TEMPLATES[variant]


@pytest.fixture(scope="module")
def course_variant() -> str:
    """Which content the live server gets; override in a test module to change it."""
    return LESSONS_AND_QUIZZES


@pytest.fixture(scope="module")
def live_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, course_variant: str
) -> Iterator[LiveServer]:
    """Serve the real app on 127.0.0.1 and a free port, in a background thread."""
    variant = getattr(request, "param", course_variant)
    folder = tmp_path_factory.mktemp("e2e-db")
    url = _database_url(folder)
    app = _live_app(url)
    if url.startswith("sqlite:///"):
        _copy_sqlite(_synced_template(variant, tmp_path_factory), folder / "e2e.db")
    else:
        _build_database(app, variant)
    # The wrapper stops a browser's reset connection from leaking a static file handle.
    server = make_server("127.0.0.1", 0, closing_before_send(app), threaded=True)
    # Links that leave the site come from PUBLIC_BASE_URL only (never the Host header).
    app.config["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="e2e-live-server"
    )
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}", variant)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    """Start Playwright's driver, or skip/fail loudly when the browser stack is missing."""
    if not CHROMIUM.exists():
        _unavailable(NO_CHROMIUM)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable(NO_PLAYWRIGHT)
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    """Launch the system Chromium headless (never a downloaded one)."""
    instance = playwright_driver.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield instance
    finally:
        instance.close()


@pytest.fixture
def expect(playwright_driver: Playwright) -> Callable[..., Any]:
    """Playwright's web-first assertion helper, with a generous timeout."""
    from playwright.sync_api import expect as pw_expect

    pw_expect.set_options(timeout=TIMEOUT_MS)
    return pw_expect


def _artifact_name(item: pytest.Item) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name)


@pytest.fixture
def page(
    browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A page in a fresh browser context; on failure a screenshot lands in tests/e2e/artifacts/.

    Uncaught JavaScript errors and HTTP 5xx responses fail the test at teardown.
    """
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    js_errors: list[str] = []
    server_errors: list[str] = []
    tab.on("pageerror", lambda exc: js_errors.append(str(exc)))

    def note_server_error(response: Response) -> None:
        if response.status >= 500:
            server_errors.append(f"{response.status} {response.url}")

    tab.on("response", note_server_error)
    try:
        yield tab
        call = request.node.stash.get(REPORTS, {}).get("call")
        if call is not None and call.failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            name = _artifact_name(request.node)
            tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            (ARTIFACTS / f"{name}.html").write_text(tab.content(), encoding="utf-8")
    finally:
        context.close()
    assert not js_errors, f"uncaught JavaScript errors: {js_errors}"
    assert not server_errors, f"server errors: {server_errors}"


@pytest.fixture
def register_learner(expect: Callable[..., Any], live_server: LiveServer) -> Callable[..., None]:
    """Create an account through the real registration form, starting from the home page."""

    def register(page: Page, full_name: str, email: str, profession: str = "NP") -> None:
        page.goto("/")
        page.get_by_role("link", name="Create account").click()
        expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
        page.get_by_label("Full name").fill(full_name)
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password (at least 12 characters)", exact=True).fill(PASSWORD)
        page.get_by_label("Repeat password").fill(PASSWORD)
        page.get_by_label("Profession or credential").select_option(profession)
        page.get_by_role("button", name="Create account").click()
        expect(page.get_by_text("Check your inbox")).to_be_visible()
        # The confirmation email (the live server keeps mail in Flask-Mailman's outbox).
        outbox = live_server.app.extensions["mailman"].outbox
        message = next(m for m in reversed(outbox) if email in m.to)
        link = re.search(r"https?://\S+/auth/verify/\S+", message.body).group(0)
        page.goto(link)
        page.get_by_role("button", name=f"Confirm {email}").click()
        # Confirmed, then asked to sign in (registration signs nobody in).
        expect(page.get_by_text(f"{email} is confirmed")).to_be_visible()
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("navigation", name="Main")).to_contain_text(full_name)
        page.goto("/")  # back to the catalog, where a new learner starts

    return register


@pytest.fixture(scope="module")
def course_facts(live_server: LiveServer) -> CourseFacts:
    """Read the synced course back from the live server's database."""
    with live_server.session() as session:
        course = session.scalars(select(Course)).one()
        citations = {ref["number"]: ref["citation"] for ref in course.references}
        modules = [
            ModuleFacts(
                m.position,
                m.slug,
                m.title,
                list(m.objectives),
                [citations[n] for n in m.references],
            )
            for m in sorted(course.modules, key=lambda m: m.position)
        ]
        quiz_count = session.scalar(select(func.count(Quiz.id)))
        return CourseFacts(course.slug, course.title, modules, quiz_count or 0)
