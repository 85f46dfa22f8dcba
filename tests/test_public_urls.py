"""Signed things never come from the request: a forged Host steers no credential or link."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from course import create_app
from course.certificates import credential as vc
from course.certificates.issuer import current_issuer
from course.certificates.keys import load_keyring
from course.certificates.services import issue_certificate
from course.models import Role
from tests.certkit import make_eligible, sync_course

EVIL = "evil.example"
BASE = "https://practicum.example.org"


@pytest.fixture
def course_content(db):
    return sync_course()


@pytest.fixture
def keys_dir(tmp_path: Path) -> Path:
    return tmp_path / "keys"


@pytest.fixture
def app_config(keys_dir: Path) -> dict[str, object]:
    return {"CERTIFICATE_KEYS_DIR": str(keys_dir), "PUBLIC_BASE_URL": BASE}


@pytest.fixture
def issued(app, db, make_user, course_content):
    learner = make_user(profession="RN")
    make_eligible(learner.id, course_content, hours=1.0)
    db.session.commit()
    admin = make_user(role=Role.ADMIN)
    with app.test_request_context("/", base_url=f"http://{EVIL}"):
        certificate = issue_certificate(learner, course_content, current_issuer(), admin)
    db.session.commit()
    return certificate


def test_credential_urls_come_from_the_base_url_not_the_host(issued) -> None:
    text = json.dumps(issued.credential)
    assert EVIL not in text
    assert issued.credential["id"] == f"{BASE}/verify/{issued.code}"
    status = issued.credential["credentialStatus"]
    assert status["statusListCredential"] == f"{BASE}/credentials/status/1"


def test_status_list_and_api_ignore_a_forged_host(client, issued, course_content) -> None:
    forged = {"Host": EVIL}
    status = client.get("/credentials/status/1", headers=forged)
    assert status.status_code == 200
    assert EVIL not in status.get_data(as_text=True)
    assert status.get_json()["id"] == f"{BASE}/credentials/status/1"
    record = client.get(f"/api/v1/certificates/{issued.code}", headers=forged).get_json()
    assert record["verify_url"] == f"{BASE}/verify/{issued.code}"
    courses = client.get("/api/v1/courses", headers=forged).get_data(as_text=True)
    assert EVIL not in courses
    assert BASE in courses


def test_status_list_expires_and_says_how_often_to_refresh(app, client, issued, keys_dir) -> None:
    response = client.get("/credentials/status/1")
    signed = response.get_json()
    valid_from = datetime.fromisoformat(signed["validFrom"])
    valid_until = datetime.fromisoformat(signed["validUntil"])
    ttl = app.config["STATUS_LIST_TTL_SECONDS"]
    assert valid_until - valid_from == timedelta(seconds=ttl)
    assert signed["credentialSubject"]["ttl"] == ttl * 1000
    assert response.headers.getlist("Cache-Control") == [response.headers["Cache-Control"]]
    max_age = int(response.headers["Cache-Control"].split("max-age=")[1])
    assert 0 < max_age <= ttl  # the view's own caching header, not the default no-store
    assert response.headers.getlist("X-Frame-Options") == ["DENY"]
    ring = load_keyring(keys_dir)
    resolver = ring.resolver(signed["issuer"])
    assert vc.verify_proof(signed, resolver).ok
    # A copy saved now and replayed after validUntil no longer verifies.
    later = valid_until + timedelta(seconds=1)
    replayed = vc.verify(signed | {"type": signed["type"]}, resolver, now=later)
    assert any("expired" in e for e in replayed.errors)
    assert valid_from <= datetime.now(UTC) < valid_until


def test_production_refuses_to_start_without_public_base_url(monkeypatch) -> None:
    monkeypatch.setenv("PRACTICUM_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "PUBLIC_BASE_URL": "practicum.org"})


def test_production_trusts_only_the_public_host(monkeypatch) -> None:
    monkeypatch.setenv("PRACTICUM_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "PUBLIC_BASE_URL": BASE})
    assert app.config["TRUSTED_HOSTS"] == ["practicum.example.org"]
    client = app.test_client()
    assert client.get("/verify", headers={"Host": EVIL}).status_code == 400
    assert client.get("/verify", base_url=BASE).status_code == 200
