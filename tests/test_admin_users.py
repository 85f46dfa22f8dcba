"""Admin users (#16): search and filters, A-Z, one account with progress, name correction
(audited, offering reissue), deactivation that keeps records, account creation; the audit log
in plain language with filters and a CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from course.models import AuditEntry, Role, User
from tests.conftest import PASSWORD, url


@pytest.fixture
def people(db, make_user):
    return [
        make_user(full_name="Dana Okafor-Łęcka", profession="RN", email="dana@example.org"),
        make_user(full_name="Bo Brown", profession="MD", email="bo@example.org"),
        make_user(full_name="Cy Instructor", role=Role.INSTRUCTOR, email="cy@example.org"),
    ]


def _names(soup) -> list[str]:
    return [td.a.get_text(strip=True) for td in soup.select("tr[data-user] td:first-child")]


def test_search_and_filters(signed_in_admin, people, get_page) -> None:
    assert _names(get_page("admin.users", q="okafor")) == ["Dana Okafor-Łęcka"]
    assert _names(get_page("admin.users", q="BO@EXAMPLE")) == ["Bo Brown"]
    assert _names(get_page("admin.users", role="instructor")) == ["Cy Instructor"]
    assert _names(get_page("admin.users", profession="RN")) == ["Dana Okafor-Łęcka"]
    assert _names(get_page("admin.users", letter="D")) == ["Dana Okafor-Łęcka"]
    everyone = _names(get_page("admin.users"))
    assert everyone == sorted(everyone, key=str.lower)


def test_name_correction_is_audited_and_offers_reissue(
    client, db, signed_in_admin, people, get_page
) -> None:
    dana = people[0]
    response = client.post(
        url("admin.rename", user_id=dana.id),
        data={"name-full_name": "Dana A. Okafor-Łęcka", "name-reason": "Passport spelling"},
        follow_redirects=True,
    )
    assert "Name corrected: Dana Okafor-Łęcka → Dana A. Okafor-Łęcka." in response.get_data(
        as_text=True
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.name_change"))
    assert entry.reason == "Passport spelling"
    log = get_page("admin.audit").get_text(" ", strip=True)
    assert "Name: Dana Okafor-Łęcka → Dana A. Okafor-Łęcka" in log
    assert "Name corrected" in log
    target = get_page("admin.audit").select_one("tr[data-action='user.name_change'] a")
    assert target["href"] == f"/admin/users/{dana.id}"


def test_deactivate_keeps_the_account_and_blocks_sign_in(
    client, db, signed_in_admin, people
) -> None:
    bo = people[1]
    assert client.post(url("admin.set_status", user_id=bo.id), data={}).status_code == 400
    client.post(url("admin.set_status", user_id=bo.id), data={"status-reason": "Left the practice"})
    db.session.refresh(bo)
    assert not bo.active
    assert db.session.get(User, bo.id) is not None
    client.post(url("admin.set_status", user_id=bo.id), data={"status-reason": "Returned"})
    db.session.refresh(bo)
    assert bo.active


def test_an_admin_cannot_deactivate_themselves(client, db, signed_in_admin) -> None:
    client.post(url("admin.set_status", user_id=signed_in_admin.id), data={"status-reason": "oops"})
    db.session.refresh(signed_in_admin)
    assert signed_in_admin.active


def test_create_a_user_shows_no_password(client, db, signed_in_admin, get_page) -> None:
    data = {"full_name": "New Nurse", "email": "New@Example.org", "profession": "RN"}
    response = client.post(url("admin.create"), data={**data, "role": "learner"})
    assert response.status_code == 302  # to the new account's page; the owner sets a password
    assert "password" not in response.get_data(as_text=True).lower()
    user = db.session.scalar(select(User).where(User.email == "new@example.org"))
    assert user.profession == "RN"
    again = client.post(url("admin.create"), data={**data, "role": "learner"})
    assert again.status_code == 400
    assert "already exists" in again.get_data(as_text=True)


def test_user_page_shows_progress(signed_in_admin, people, get_page) -> None:
    soup = get_page("admin.user", user_id=people[0].id)
    assert "Progress" in soup.get_text()


def test_audit_filters_and_csv(client, db, signed_in_admin, people) -> None:
    client.post(
        url("admin.rename", user_id=people[1].id),
        data={"name-full_name": "=HYPERLINK(1)", "name-reason": "x"},
    )
    client.post(url("admin.set_status", user_id=people[1].id), data={"status-reason": "Left"})
    page = client.get(url("admin.audit", action="user.deactivate")).get_data(as_text=True)
    assert "Account deactivated" in page
    assert "Name corrected" not in page.split("<tbody>")[1]
    response = client.get(url("admin.audit_export"))
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["When (UTC)", "Who", "What"]
    assert any("Account deactivated" in r for r in rows)
    flat = " ".join(" ".join(r) for r in rows)
    assert "→ =HYPERLINK" in flat  # inside a sentence: harmless
    assert not any(cell.startswith("=") for r in rows for cell in r)
    assert client.get(url("admin.audit", since="not-a-date")).status_code == 200


def test_admin_home_shows_queue_courses_and_recent_events(
    client, db, signed_in_admin, people, get_page
) -> None:
    client.post(url("admin.set_status", user_id=people[1].id), data={"status-reason": "Left"})
    soup = get_page("admin.home")
    assert soup.select_one("[data-testid=home-awaiting]")
    assert soup.select_one("[data-testid=home-courses]").find("a", href="/ce/staff")
    recent = soup.select_one("[data-testid=home-recent]").get_text(" ", strip=True)
    assert "Account deactivated" in recent
    assert "Bo Brown" in recent
    nav = soup.find("nav", attrs={"aria-label": "Main"})
    assert nav.find("a", string="Admin home") is not None
    assert nav.find("a", string="Staff home") is None


def test_deactivation_ends_an_open_session(app, db, signed_in_admin, people) -> None:
    other = app.test_client()
    response = other.post(url("auth.login"), data={"email": "bo@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert other.get(url("learning.dashboard")).status_code == 200
    bo = people[1]
    bo.active = False
    db.session.commit()
    assert other.get(url("learning.dashboard")).status_code == 302  # back to sign-in
