# ruff: noqa: F811 - pytest fixtures imported from test_certificates_issue
"""Backups keep certificates verifiable: snapshot while writes are in flight, restore into a
fresh database, and every certificate still verifies (signature and status list)."""

from __future__ import annotations

import sqlite3
import stat
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from course import create_app
from course.certificates import credential as vc
from course.certificates import statuslist
from course.certificates.issuer import current_issuer
from course.certificates.keys import load_keyring
from course.certificates.services import issue_certificate, revoke_certificate
from course.extensions import db as _db
from course.models import Certificate
from tests.certkit import make_eligible
from tests.conftest import _config
from tests.test_certificates_issue import course_content, eligible_learner, issued  # noqa: F401


@pytest.fixture
def keys_dir(tmp_path: Path) -> Path:
    return tmp_path / "keys"


@pytest.fixture
def app_config(tmp_path: Path, keys_dir: Path) -> dict[str, object]:
    """A SQLite file (the backup API needs one), whatever TEST_DATABASE_URL says."""
    return {
        "CERTIFICATE_KEYS_DIR": str(keys_dir),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live.db'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 30}},
    }


@pytest.fixture
def certificates(app, db, issued, make_user, admin, course_content) -> list[Certificate]:
    """Three certificates across a key rotation, the first one revoked."""
    app.test_cli_runner().invoke(args=["keys", "generate"])
    made = [issued]
    for n in range(2):
        user = make_user(full_name=f"Learner {n}", email=f"l{n}@example.org", profession="RN")
        make_eligible(user.id, course_content, hours=1.0)
        db.session.commit()
        with app.test_request_context():
            made.append(issue_certificate(user, course_content, current_issuer(), admin))
        db.session.commit()
    revoke_certificate(issued, admin, "Issued in error.")
    db.session.commit()
    return made


def _writer(path: Path, stop: threading.Event, written: list[int]) -> None:
    """Keep inserting audit rows through another connection until told to stop."""
    connection = sqlite3.connect(path, timeout=30)
    while not stop.is_set():
        with connection:
            connection.execute(
                "INSERT INTO audit_entry (at, action, target_type, reason, details)"
                " VALUES ('2026-01-01 00:00:00', 'bench.write', 'none', '', '{}')"
            )
        written.append(1)
    connection.close()


def test_backup_under_writes_restores_to_verifying_certificates(
    app, db, certificates, tmp_path, keys_dir
) -> None:
    stop, written = threading.Event(), []
    writer = threading.Thread(target=_writer, args=(tmp_path / "live.db", stop, written))
    writer.start()
    try:
        while len(written) < 20:
            time.sleep(0.01)
        result = app.test_cli_runner().invoke(
            args=["backup", "create", "--out", str(tmp_path / "b")]
        )
        while len(written) < 40:  # writes carry on after the snapshot too
            time.sleep(0.01)
    finally:
        stop.set()
        writer.join(10)
    assert result.exit_code == 0, result.output
    snapshot = next((tmp_path / "b").glob("*.sqlite3"))
    key_archive = next((tmp_path / "b").glob("*-keys.tar.gz"))
    assert stat.S_IMODE(key_archive.stat().st_mode) == 0o600
    assert stat.S_IMODE(snapshot.stat().st_mode) == 0o600

    fresh_keys = tmp_path / "restored-keys"
    restored = create_app(
        _config(
            f"sqlite:///{tmp_path / 'restored.db'}",
            CERTIFICATE_KEYS_DIR=str(fresh_keys),
            SQLALCHEMY_ENGINE_OPTIONS={},
        )
    )
    with restored.app_context():  # the fixture's app context would otherwise be reused
        done = restored.test_cli_runner().invoke(args=["backup", "restore", str(snapshot)])
    assert done.exit_code == 0, done.output
    assert "added 2 signing key(s)" in done.output
    check = sqlite3.connect(tmp_path / "restored.db")
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    copied = check.execute("SELECT count(*) FROM audit_entry WHERE action='bench.write'").fetchone()
    check.close()
    assert 20 <= copied[0] <= len(written)

    ring = load_keyring(fresh_keys)
    assert [k.multibase for k in ring.keys] == [k.multibase for k in load_keyring(keys_dir).keys]
    client = restored.test_client()
    expected = {
        certificates[0].code: True,
        certificates[1].code: False,
        certificates[2].code: False,
    }
    with restored.app_context():
        rows = _db.session.scalars(_db.select(Certificate)).all()
        assert {row.code for row in rows} == set(expected)
        for row in rows:
            assert vc.verify(row.credential, ring.resolver()).ok, row.code
            address = row.credential["credentialStatus"]["statusListCredential"]
            listed = client.get(urlsplit(address).path).get_json()
            assert statuslist.check_status(row.credential, listed, ring.resolver()) == (
                expected[row.code],
                [],
            )
        _db.engine.dispose()


def test_restore_refuses_a_database_that_is_not_empty(app, db, issued, tmp_path) -> None:
    made = app.test_cli_runner().invoke(args=["backup", "create", "--out", str(tmp_path / "b")])
    assert made.exit_code == 0, made.output
    snapshot = next((tmp_path / "b").glob("*.sqlite3"))
    again = app.test_cli_runner().invoke(args=["backup", "restore", str(snapshot)])
    assert again.exit_code != 0
    assert "refusing to restore" in again.output
    assert "is not empty" in again.output
