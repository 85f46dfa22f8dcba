"""Self-service data export and account closure (#16): everything exported as JSON, never the
password hash; closure anonymises the person, keeps issued certificates verifiable."""

from __future__ import annotations

import json

from sqlalchemy import select

from course.models import AuditEntry, CertificateStatus
from tests.conftest import PASSWORD, url
from tests.test_certificates_issue import (  # noqa: F401 - fixtures
    EMAIL,
    LICENCE,
    NAME,
    app_config,
    course_content,
    eligible_learner,
    issued,
    keys_dir,
)


def test_export_holds_everything_but_the_password(
    client,
    db,
    login,
    issued,  # noqa: F811
    eligible_learner,  # noqa: F811
) -> None:
    login(eligible_learner)
    response = client.post(url("account.export"))
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == EMAIL
    assert "password_hash" not in data["account"]
    assert data["certificate"][0]["code"] == issued.code
    for table in ("enrollment", "course_evaluation", "time_attestation", "attempt"):
        assert table in data
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.export"))


def test_close_needs_password_and_confirmation(client, db, login, eligible_learner) -> None:  # noqa: F811
    login(eligible_learner)
    assert client.post(url("account.close"), data={"password": PASSWORD}).status_code == 400
    wrong = client.post(url("account.close"), data={"password": "nope nope nope", "confirm": "y"})
    assert "The password is incorrect." in wrong.get_data(as_text=True)
    db.session.refresh(eligible_learner)
    assert eligible_learner.active


def test_close_anonymises_but_keeps_the_certificate(
    client,
    db,
    login,
    issued,  # noqa: F811
    eligible_learner,  # noqa: F811
) -> None:
    login(eligible_learner)
    response = client.post(url("account.close"), data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    db.session.refresh(eligible_learner)
    assert eligible_learner.full_name != NAME
    assert eligible_learner.email != EMAIL
    assert eligible_learner.licence_number is None
    assert not eligible_learner.active
    assert eligible_learner.closed_at is not None
    db.session.refresh(issued)
    assert issued.status == CertificateStatus.VALID
    assert issued.snapshot["full_name"] == NAME  # the record stays as issued
    page = client.get(f"/verify/{issued.code}").get_data(as_text=True)
    assert "Valid certificate" in page
    assert LICENCE not in page
    again = client.post(url("auth.login"), data={"email": EMAIL, "password": PASSWORD})
    assert again.status_code == 200  # cannot sign in any more
