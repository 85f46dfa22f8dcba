"""The cluster tests run only against `make cluster` (deploy/cluster/cluster.sh sets the env)."""

from __future__ import annotations

import os
import re
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import (
    HTTPCookieProcessor,
    HTTPRedirectHandler,
    HTTPSHandler,
    OpenerDirector,
    Request,
    build_opener,
)

import pytest
from flask import Flask

from course import create_app
from course.extensions import db

ROOT = Path(__file__).resolve().parents[2]
RUN = os.environ.get("PRACTICUM_CLUSTER_DIR")
BASE = os.environ.get("PRACTICUM_CLUSTER_URL")
_CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
_VALUE = re.compile(r'value="([^"]+)"')


def cluster_env() -> dict[str, str]:
    """The settings every instance runs with ($RUN/env)."""
    pairs = (
        line.split("=", 1) for line in Path(RUN, "env").read_text().splitlines() if "=" in line
    )
    return {key: value for key, value in pairs}


@dataclass
class Reply:
    """One HTTP response: status, headers, body."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        """The body as text."""
        return self.body.decode("utf-8", "replace")

    def csrf(self) -> str:
        """The CSRF token of the first form on the page."""
        field = _CSRF.search(self.text)
        assert field, self.text[:500]
        found = _VALUE.search(field.group(0))
        assert found
        return found.group(1)


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie-keeping HTTPS client; ``via="a"|"b"`` pins a request to one instance."""

    def __init__(self) -> None:
        context = ssl.create_default_context(cafile=str(Path(RUN, "nginx", "tls", "cert.pem")))
        self.jar = CookieJar()
        self.opener: OpenerDirector = build_opener(
            HTTPSHandler(context=context), HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        via: str | None = None,
        data: dict[str, object] | list[tuple[str, object]] | None = None,
        timeout: float = 30,
    ) -> Reply:
        """Send one request through nginx and return the reply (redirects are not followed)."""
        headers = {"X-Upstream": via} if via else {}
        if method == "POST":  # as a browser does; Flask-WTF checks it on HTTPS
            headers["Referer"] = BASE + path
        body = urlencode(data, doseq=True).encode() if data is not None else None
        request = Request(BASE + path, data=body, method=method, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return Reply(response.status, dict(response.headers), response.read())
        except HTTPError as error:
            return Reply(error.code, dict(error.headers), error.read())

    def get(self, path: str, **kw: object) -> Reply:
        """GET through nginx."""
        return self.request("GET", path, **kw)  # type: ignore[arg-type]

    def post(self, path: str, **kw: object) -> Reply:
        """POST through nginx."""
        return self.request("POST", path, **kw)  # type: ignore[arg-type]

    def login(self, email: str, password: str, via: str) -> Reply:
        """Sign in through the real form on one instance."""
        token = self.get("/auth/login", via=via).csrf()
        data = {"csrf_token": token, "email": email, "password": password}
        return self.post("/auth/login", via=via, data=data)


def flask(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a flask CLI command with the cluster's settings (as an operator would)."""
    full = {**os.environ, **cluster_env(), **(env or {}), "FLASK_APP": "wsgi.py"}
    return subprocess.run(
        [str(ROOT / ".venv" / "bin" / "flask"), *args],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="session", autouse=True)
def cluster_app() -> Iterator[Flask]:
    """An app on the cluster's database and keys, for setting up state and checking rows."""
    env = cluster_env()
    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": env["SECRET_KEY"],
            "PUBLIC_BASE_URL": env["PUBLIC_BASE_URL"],
            "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
            "CERTIFICATE_KEYS_DIR": env["CERTIFICATE_KEYS_DIR"],
            "RATELIMIT_STORAGE_URI": env["RATELIMIT_STORAGE_URI"],
        }
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def browser() -> Browser:
    """A fresh browser (no cookies)."""
    return Browser()
