"""Public verification: /verify/<code>, the typed-code form, the JSON variant, privacy, noindex
and rate limiting."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course.certificates.issuer import current_issuer
from course.certificates.services import (
    issue_certificate,
    reissue_certificate,
    revoke_certificate,
)
from course.dates import human_date
from course.models import AuditEntry
from tests.certkit import (
    make_eligible,
    sync_course,
)

NAME = "Søren Ærø-Núñez"
EMAIL = "soren.aero@example.org"
LICENCE = "MD-778812"


@pytest.fixture
def course_content(db):
    """Certificate tests use the real lessons without question pools (see sync_course)."""
    return sync_course()


@pytest.fixture
def issued(app, db, make_user, admin, course_content):
    user = make_user(
        full_name=NAME, email=EMAIL, profession="MD", licence_number=LICENCE, licence_state="WA"
    )
    make_eligible(user.id, course_content, hours=1.5)
    with app.test_request_context():
        certificate = issue_certificate(user, course_content, current_issuer(), admin)
    db.session.commit()
    return certificate


def _status(soup) -> str:
    return soup.select_one("[data-status]")["data-status"]


def assert_no_pii(text: str) -> None:
    """Neither the email nor the licence number may appear."""
    assert EMAIL not in text
    assert LICENCE not in text
    assert "WA" not in text.split()


def test_valid_certificate_page(client, get_page, issued, course_content) -> None:
    response = client.get(f"/verify/{issued.code}")
    assert response.headers["X-Robots-Tag"].startswith("noindex")
    soup = get_page(f"/verify/{issued.code}")
    assert _status(soup) == "valid"
    assert soup.find("meta", attrs={"name": "robots"})["content"].startswith("noindex")
    text = soup.get_text(" ", strip=True)
    assert "Valid certificate" in text
    assert NAME in text
    assert course_content.title in text
    assert human_date(issued.snapshot["completion_date"]) in text
    for shown in ("Holder", "Issued", "Issuer", "Credit", issued.snapshot["credit_line"]):
        assert shown in text
    assert issued.user.email not in text
    assert "1.5" in text
    assert_no_pii(response.get_data(as_text=True))


def test_revoked_certificate_page_shows_the_date(client, get_page, db, issued, admin) -> None:
    revoke_certificate(issued, admin, "Obtained by a shared account.")
    db.session.commit()
    soup = get_page(f"/verify/{issued.code}")
    assert _status(soup) == "revoked"
    text = soup.get_text(" ", strip=True)
    assert f"revoked on {human_date(issued.revoked_at)}" in text
    assert "shared account" not in text  # the reason is for the audit log, not the public
    api = client.get(f"/api/v1/certificates/{issued.code}").get_json()
    assert api["status"] == "revoked"
    assert api["revoked_at"].startswith(issued.revoked_at.date().isoformat())


def test_superseded_certificate_links_to_its_replacement(
    app, client, get_page, db, issued, admin
) -> None:
    with app.test_request_context():
        new = reissue_certificate(issued, current_issuer(), admin, "Name correction")
    db.session.commit()
    soup = get_page(f"/verify/{issued.code}")
    assert _status(soup) == "superseded"
    link = soup.find("a", string=f"certificate {new.code}")
    assert link["href"] == f"/verify/{new.code}"
    assert _status(get_page(link["href"])) == "valid"
    api = client.get(f"/api/v1/certificates/{issued.code}").get_json()
    assert api["superseded_by"] == new.code
    assert api["superseded_by_url"] == f"http://localhost/verify/{new.code}"


def test_unknown_code_is_not_found(client, get_page) -> None:
    soup = get_page("/verify/PRAC-0000-0000-0000-0", expected=404)
    assert _status(soup) == "not-found"
    assert "Certificate not found" in soup.get_text()
    assert get_page("/verify/not-a-code", expected=404)
    response = client.get("/api/v1/certificates/PRAC-0000-0000-0000-0")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


@pytest.mark.parametrize(
    "typed",
    [
        lambda c: c.lower(),
        lambda c: c.replace("-", " "),
        lambda c: c.replace("-", ""),
        lambda c: "  " + c.removeprefix("PRAC-").lower() + " ",
        lambda c: c.replace("-", " - "),
    ],
)
def test_typed_code_is_normalised(client, issued, typed) -> None:
    response = client.get("/verify", query_string={"code": typed(issued.code)})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/verify/{issued.code}"
    assert client.get(f"/verify/{typed(issued.code).strip()}").status_code in (200, 302)
    api = client.get(f"/api/v1/certificates/{typed(issued.code).strip()}")
    assert api.status_code == 200
    assert api.get_json()["code"] == issued.code


def test_verify_form_explains_a_bad_code(get_page, client) -> None:
    assert get_page("/verify").find("input", attrs={"name": "code"})
    response = client.get("/verify", query_string={"code": "PRAC-1234-5678"})
    assert response.status_code == 400
    assert "That is not a certificate code" in response.get_data(as_text=True)
    response = client.get("/verify", query_string={"code": ""})
    assert response.status_code == 400
    assert "Enter the code" in response.get_data(as_text=True)


def test_json_variant_shows_only_public_fields(client, issued) -> None:
    response = client.get(f"/api/v1/certificates/{issued.code}")
    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"].startswith("noindex")
    data = response.get_json()
    assert set(data) == {
        "certificate_title",
        "credit_type",
        "credit_amount",
        "credit_line",
        "issuer",
        "code",
        "status",
        "name",
        "course",
        "completion_date",
        "hours",
        "issued_at",
        "verify_url",
    }
    assert (data["status"], data["name"], data["hours"]) == ("valid", NAME, 1.5)
    assert_no_pii(response.get_data(as_text=True))
    assert client.post(f"/api/v1/certificates/{issued.code}").status_code == 405


@pytest.mark.parametrize(
    "app_config",
    [{"RATELIMIT_ENABLED": True}],
)
def test_verify_routes_are_rate_limited(client, issued) -> None:
    codes = [client.get(f"/verify/{issued.code}").status_code for _ in range(31)]
    assert codes[:30] == [200] * 30
    assert codes[30] == 429
    # One per-IP budget covers every lookup route.
    assert client.get("/verify").status_code == 429
    assert client.get(f"/api/v1/certificates/{issued.code}").status_code == 429
    assert client.get("/credentials/status/1").status_code == 200  # verifiers' own budget


def test_verifying_writes_nothing(client, db, issued) -> None:
    before = len(db.session.scalars(select(AuditEntry)).all())
    client.get(f"/verify/{issued.code}")
    client.get(f"/api/v1/certificates/{issued.code}")
    assert len(db.session.scalars(select(AuditEntry)).all()) == before
