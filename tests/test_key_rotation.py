# ruff: noqa: F811 - pytest fixtures imported from test_certificates_issue
"""Credentials survive a key rotation: each status list is signed by the key its credentials name.

Both verifiers (ours, and the independent digitalbazaar one in tools/verifier) must see an old
credential revoked after a rotation, and a credential issued after the rotation as valid.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from course.certificates import statuslist
from course.certificates.issuer import current_issuer
from course.certificates.keys import load_keyring
from course.certificates.services import issue_certificate, revoke_certificate
from tests.certkit import make_eligible
from tests.test_certificates_issue import (  # noqa: F401 - fixtures
    app_config,
    course_content,
    eligible_learner,
    external_verify,
    issued,
    keys_dir,
)


def _list_for(client, credential: dict) -> dict:
    """Fetch the status list a credential points to, as a verifier would."""
    address = credential["credentialStatus"]["statusListCredential"]
    response = client.get(urlsplit(address).path)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_json()


@pytest.fixture
def rotated(app, db, issued, make_user, admin, course_content):
    """Rotate the signing key after ``issued``, then issue a second learner's certificate."""
    result = app.test_cli_runner().invoke(args=["keys", "generate"])
    assert result.exit_code == 0, result.output
    other = make_user(full_name="Bea Second", email="bea@example.org", profession="MD")
    make_eligible(other.id, course_content, hours=1.0)
    db.session.commit()
    with app.test_request_context():
        newer = issue_certificate(other, course_content, current_issuer(), admin)
    db.session.commit()
    return newer


def test_each_key_signs_its_own_list(client, issued, rotated, keys_dir) -> None:
    ring = load_keyring(keys_dir)
    old_list, new_list = _list_for(client, issued.credential), _list_for(client, rotated.credential)
    assert old_list["id"].endswith("/credentials/status/1")
    assert new_list["id"].endswith("/credentials/status/2")
    assert old_list["issuer"] == issued.credential["issuer"]["id"] == ring.keys[0].did_key
    assert new_list["issuer"] == rotated.credential["issuer"]["id"] == ring.keys[1].did_key
    assert client.get("/credentials/status/3").status_code == 404


def test_rotation_keeps_old_status_checks_in_our_verifier(
    client, db, issued, rotated, admin, keys_dir
) -> None:
    resolver = load_keyring(keys_dir).resolver()
    assert statuslist.check_status(issued.credential, _list_for(client, issued.credential)) == (
        False,
        [],
    )
    revoke_certificate(issued, admin, "Issued in error.")
    db.session.commit()
    old = statuslist.check_status(issued.credential, _list_for(client, issued.credential), resolver)
    new = statuslist.check_status(rotated.credential, _list_for(client, rotated.credential))
    assert old == (True, [])
    assert new == (False, [])


def test_a_list_signed_by_another_key_is_refused(client, issued, rotated) -> None:
    wrong = _list_for(client, rotated.credential)
    revoked, errors = statuslist.check_status(issued.credential, wrong)
    assert revoked is None
    assert "status list issuer does not match the credential issuer" in errors


def test_rotation_keeps_old_status_checks_in_the_external_verifier(
    client, db, issued, rotated, admin, tmp_path
) -> None:
    revoke_certificate(issued, admin, "Issued in error.")
    db.session.commit()
    old = external_verify(tmp_path, issued.credential, _list_for(client, issued.credential))
    assert old["steps"]["valid_signature"] is True
    assert old["steps"]["revocation_status"] is False, old
    assert old["valid"] is False
    assert not [e for e in old["errors"] if "issuer" in str(e).lower()], old["errors"]
    new = external_verify(tmp_path, rotated.credential, _list_for(client, rotated.credential))
    assert new["valid"] is True, new
    assert new["steps"]["revocation_status"] is True


def test_public_verification_resources_allow_any_origin(app, client, issued) -> None:
    api = client.get(f"/api/v1/certificates/{issued.code}")
    assert api.headers["Access-Control-Allow-Origin"] == "*"
    missing = client.get("/api/v1/certificates/PRAC-0000-0000-0000-0")
    assert missing.headers["Access-Control-Allow-Origin"] == "*"
    app.config["DID_WEB_DOMAIN"] = "practicum.example.org"
    assert client.get("/.well-known/did.json").headers["Access-Control-Allow-Origin"] == "*"


def test_a_clock_behind_the_newest_key_never_reorders_the_lists(tmp_path) -> None:
    from datetime import UTC, datetime

    from course.certificates.keys import generate_key

    future = generate_key(tmp_path, now=datetime(2999, 1, 1, tzinfo=UTC))
    later = generate_key(tmp_path)
    ring = load_keyring(tmp_path)
    assert [k.key_id for k in ring.keys] == [future.key_id, later.key_id]
    assert ring.list_id(ring.active) == 2
