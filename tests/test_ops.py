"""Operations: probes, request ids, ProxyFix and JSON log lines."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from flask_migrate import upgrade

from course import create_app
from course.config import DB_BUSY_TIMEOUT
from course.extensions import db
from course.ops import JsonFormatter, RequestIdFilter
from tests.conftest import _config, database_url


def test_healthz_says_the_process_is_up(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_is_503_until_the_schema_is_migrated(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["migrations"] is False


def test_readyz_is_ok_on_a_migrated_database(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'migrated.db'}"  # never the shared PostgreSQL test database
    app = create_app(_config(url))
    with app.app_context():
        upgrade()
        db.session.remove()
    response = app.test_client().get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"status": "ok", "database": True, "migrations": True}
    with app.app_context():
        db.engine.dispose()


def test_readyz_is_503_when_the_database_is_unreachable(tmp_path) -> None:
    app = create_app(_config(f"sqlite:///{tmp_path / 'missing' / 'no.db'}"))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["database"] is False


def test_every_response_carries_a_fresh_request_id(client) -> None:
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first.headers["X-Request-Id"]) == 32
    assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]
    spoofed = client.get("/healthz", headers={"X-Request-Id": "from-the-client-123"})
    assert spoofed.headers["X-Request-Id"] != "from-the-client-123"  # no proxy is trusted


def test_behind_a_trusted_proxy_its_id_address_and_scheme_are_used(tmp_path) -> None:
    app = create_app(_config(database_url(), TRUSTED_PROXY_HOPS=1))
    seen = {}

    @app.get("/probe-remote")
    def probe() -> str:
        from flask import request

        seen.update(addr=request.remote_addr, scheme=request.scheme, host=request.host)
        return "ok"

    headers = {
        "X-Request-Id": "nginx-0123456789abcdef",
        "X-Forwarded-For": "203.0.113.9",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "evil.example",
    }
    response = app.test_client().get("/probe-remote", headers=headers)
    assert response.headers["X-Request-Id"] == "nginx-0123456789abcdef"
    assert seen == {"addr": "203.0.113.9", "scheme": "https", "host": "localhost"}
    bad = app.test_client().get("/healthz", headers={"X-Request-Id": "bad id; <script>"})
    assert bad.headers["X-Request-Id"] != "bad id; <script>"


def test_log_lines_are_json_with_the_request_id(app) -> None:
    record = logging.LogRecord("course", logging.WARNING, __file__, 1, "hello %s", ("zoë",), None)
    with app.test_request_context("/"):
        from flask import g

        g.request_id = "abc123abc123"
        RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "abc123abc123"
    assert line["msg"] == "hello zoë"
    assert line["level"] == "WARNING"
    access = logging.LogRecord("gunicorn.access", logging.INFO, "", 1, "%(r)s", None, None)
    access.args = {"r": "GET / HTTP/1.1", "{x-request-id}o": "ffee0011ffee0011"}
    RequestIdFilter().filter(access)
    assert json.loads(JsonFormatter().format(access))["request_id"] == "ffee0011ffee0011"


ROOT = Path(__file__).resolve().parents[1]


def _preflight(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "PUBLIC_BASE_URL")}
    return subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "preflight.py")],
        env={**clean, "PRACTICUM_ENV": "production", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_serving_refuses_to_start_without_secret_key_or_public_base_url() -> None:
    no_secret = _preflight()
    assert no_secret.returncode == 1
    assert "SECRET_KEY" in no_secret.stderr
    no_base = _preflight(SECRET_KEY="x" * 64)
    assert no_base.returncode == 1
    assert "set PUBLIC_BASE_URL" in no_base.stderr
    ready = _preflight(SECRET_KEY="x" * 64, PUBLIC_BASE_URL="https://practicum.example.org")
    assert ready.returncode == 0, ready.stderr


def test_gunicorn_config_fits_the_proxy_and_the_database(monkeypatch) -> None:
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.5")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("PRACTICUM_ENV", "production")
    monkeypatch.delenv("PRACTICUM_LOG_FORMAT", raising=False)
    spec = importlib.util.spec_from_file_location("gconf", ROOT / "deploy" / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    assert conf.workers == 3
    assert conf.worker_class == "sync"
    assert conf.timeout > DB_BUSY_TIMEOUT
    assert conf.forwarded_allow_ips == "10.0.0.5"
    assert conf.accesslog == "-"
    assert conf.logconfig_dict["handlers"]["stdout"]["formatter"] == "json"
    assert "{x-request-id}o" in conf.access_log_format
