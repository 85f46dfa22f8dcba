"""A newcomer's first run: the printed demo accounts sign in, and the suite ignores instance/."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask

import course
from course import create_app
from course.certificates.issuer import keys_dir
from tests.conftest import ROOT, url

DEMO_LINE = re.compile(r"^\s*demo (\w+)\s+(\S+@\S+)\s+password: (\S+)$", re.MULTILINE)
# Where each demo role may go: admin pages, instructor pages, and neither.
ROLE_PAGES = {
    "admin": {"/admin/certificates": 200, "/instructor/questions": 200},
    "instructor": {"/admin/certificates": 403, "/instructor/questions": 200},
    "learner": {"/admin/certificates": 403, "/instructor/questions": 403},
}


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"CREATE_DEMO_USERS": True}


def sign_in_through_the_form(app: Flask, email: str, password: str):
    """Fetch the login page, fill in its form as a browser would, submit it; return the client."""
    browser = app.test_client()
    page = BeautifulSoup(browser.get(url("auth.login")).get_data(as_text=True), "html.parser")
    form = page.find("form", attrs={"method": "post"})
    assert form is not None
    data = {
        field["name"]: field.get("value", "")
        for field in form.find_all("input", attrs={"type": "hidden"})
    }
    assert data.get("csrf_token"), "the login form carries no CSRF token"
    data.update(email=email, password=password)
    response = browser.post(form.get("action") or "/auth/login", data=data, csrf=False)
    assert response.status_code == 302, BeautifulSoup(response.data, "html.parser").get_text(
        " ", strip=True
    )[:400]
    assert response.headers["Location"].endswith("/dashboard")
    return browser


def test_every_printed_demo_account_signs_in_through_the_login_form(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["users", "demo"])
    assert result.exit_code == 0, result.output
    printed = DEMO_LINE.findall(result.output)
    assert [role for role, _, _ in printed] == ["admin", "instructor", "learner"]
    for role, email, password in printed:
        # A fresh app context per browser: `g` caches the CSRF token of the fixture's context.
        with app.app_context():
            browser = sign_in_through_the_form(app, email, password)
            for path, status in ROLE_PAGES[role].items():
                assert browser.get(path).status_code == status, (role, path)


def test_demo_passwords_are_printed_only_when_the_accounts_are_created(app: Flask) -> None:
    runner = app.test_cli_runner()
    assert len(DEMO_LINE.findall(runner.invoke(args=["users", "demo"]).output)) == 3
    again = runner.invoke(args=["users", "demo"])
    assert again.exit_code == 0
    assert "password" not in again.output


def plant_instance(root: Path) -> Path:
    """Leave what `make run` leaves: instance/config.py with a SECRET_KEY, keys, a database."""
    instance = root / "instance"
    (instance / "keys").mkdir(parents=True)
    (instance / "config.py").write_text('SECRET_KEY = "planted"\nPLANTED_BY_MAKE_RUN = True\n')
    (instance / "practicum.db").write_bytes(b"not a database")
    return instance


def test_planted_instance_config_is_read_when_it_is_the_instance_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The control: the planted folder really is read when the app is pointed at it.
    monkeypatch.setenv("PRACTICUM_INSTANCE_PATH", str(plant_instance(tmp_path)))
    # Production, like `flask run` (which also needs PUBLIC_BASE_URL: links never use Host).
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": "sqlite://", "PUBLIC_BASE_URL": "https://practicum.example.org"}
    )
    assert app.config["PLANTED_BY_MAKE_RUN"] is True
    assert app.config["SECRET_KEY"] == "planted"


def test_suite_apps_ignore_the_checkout_instance_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkout = tmp_path / "checkout"
    instance = plant_instance(checkout)
    monkeypatch.setattr(course, "ROOT", checkout)  # the checkout now holds the planted instance/
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "PLANTED_BY_MAKE_RUN" not in app.config
    assert app.config["SECRET_KEY"] == "testing-secret"
    assert not Path(app.instance_path).is_relative_to(checkout)
    assert not keys_dir(app).is_relative_to(instance)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})  # production needs a real secret


def test_app_fixture_instance_folder_is_temporary_and_empty(app: Flask) -> None:
    instance = Path(app.instance_path)
    assert not instance.is_relative_to(ROOT)
    assert not (instance / "config.py").exists()
    assert os.environ.get("SECRET_KEY") is None


def test_no_test_calls_a_system_binary_that_make_test_does_not_install() -> None:
    allowed = {"chromium", "java", "node"}  # browser, HTML checker and verifier tests skip loudly
    system_path = re.compile("/usr/(?:local/)?s?" + r"bin/([\w.+-]+)")
    found = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "tests").rglob("*.py")
        for name in system_path.findall(path.read_text(encoding="utf-8"))
        if name not in allowed
    }
    assert not found


def check_port(host: str, port: int) -> subprocess.CompletedProcess[str]:
    """Run the check `make run` does before it serves."""
    command = [sys.executable, str(ROOT / "tools" / "free_port.py"), host, str(port)]
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)


def test_make_run_port_check_names_a_free_port_when_the_port_is_taken() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = check_port("127.0.0.1", port)
        assert result.returncode == 1
        hint = re.fullmatch(rf"Port {port} is in use; run `make run PORT=(\d+)`\n", result.stderr)
        assert hint, result.stderr
        suggested = int(hint[1])
        assert suggested > port
        assert check_port("127.0.0.1", suggested).returncode == 0


def test_make_run_port_check_passes_a_free_port_and_refuses_a_bad_host() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert check_port("127.0.0.1", port).returncode == 0
    bad = check_port("192.0.2.1", port)  # TEST-NET-1: never an address of this machine
    assert bad.returncode == 1
    assert "choose HOST= and PORT=" in bad.stderr
