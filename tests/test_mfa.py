"""Two-step sign-in for staff (TOTP + recovery codes), step-up before sensitive actions."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from course import clock
from course.models import AuditEntry, Role, User
from tests.conftest import PASSWORD, url


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"MFA_REQUIRED_ROLES": ("admin", "instructor")}


def enrol(client, db, user: User) -> tuple[str, list[str]]:
    """Go through enrolment in the UI; return the secret and the recovery codes."""
    assert client.post(url("auth.mfa_start")).status_code == 302
    page = BeautifulSoup(client.get(url("auth.mfa_setup")).get_data(as_text=True), "html.parser")
    assert page.select_one("img[src^='data:image/svg+xml']") is not None  # the QR code
    secret = page.select_one("#mfa-secret").get_text()
    response = client.post(url("auth.mfa_confirm"), data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    codes = [
        li.get_text()
        for li in BeautifulSoup(response.data, "html.parser").select("#recovery-codes li")
    ]
    assert len(codes) == 10
    return secret, codes


def password_step(client, user: User):
    return client.post(url("auth.login"), data={"email": user.email, "password": PASSWORD})


def test_staff_must_enrol_then_sign_in_with_a_code(app, client, db, make_user) -> None:
    admin = make_user(role=Role.ADMIN)
    assert password_step(client, admin).status_code == 302
    forced = client.get(url("admin.users"))
    assert forced.status_code == 302
    assert "/auth/mfa/setup" in forced.headers["Location"]
    secret, codes = enrol(client, db, admin)
    db.session.expire_all()
    stored = db.session.get(User, admin.id)
    assert stored.mfa_enabled
    assert all(code not in str(stored.mfa_recovery_hashes) for code in codes)  # hashed
    assert client.get(url("admin.users")).status_code == 200
    client.post(url("auth.logout"))

    browser = app.test_client()
    first = password_step(browser, admin)
    assert first.headers["Location"].endswith("/auth/mfa")
    assert browser.get(url("admin.users")).status_code == 302  # the password alone is not enough
    assert browser.post(url("auth.mfa_challenge"), data={"code": "000000"}).status_code == 400
    assert (
        browser.post(url("auth.mfa_challenge"), data={"code": pyotp.TOTP(secret).now()}).status_code
        == 302
    )
    assert browser.get(url("admin.users")).status_code == 200


def test_recovery_codes_work_once(app, client, db, make_user) -> None:
    instructor = make_user(role=Role.INSTRUCTOR)
    password_step(client, instructor)
    _, codes = enrol(client, db, instructor)
    client.post(url("auth.logout"))
    for expected in (302, 400):
        browser = app.test_client()
        password_step(browser, instructor)
        assert (
            browser.post(url("auth.mfa_challenge"), data={"code": codes[0]}).status_code == expected
        )


def test_learners_are_not_asked_and_mfa_is_off_by_default(app, client, make_user, login) -> None:
    login(make_user())
    assert client.get(url("learning.dashboard")).status_code == 200
    app.config["MFA_REQUIRED_ROLES"] = ()
    staff_client = app.test_client()
    staff = make_user(role=Role.ADMIN)
    password_step(staff_client, staff)
    assert staff_client.get(url("admin.users")).status_code == 200


def test_half_signed_in_state_expires(app, client, db, make_user, monkeypatch) -> None:
    admin = make_user(role=Role.ADMIN)
    password_step(client, admin)
    secret, _ = enrol(client, db, admin)
    client.post(url("auth.logout"))
    password_step(client, admin)
    later = clock.now() + timedelta(minutes=6)
    monkeypatch.setattr(clock, "now", lambda: later)
    response = client.post(url("auth.mfa_challenge"), data={"code": pyotp.TOTP(secret).at(later)})
    assert "/auth/login" in response.headers["Location"]


def test_step_up_before_role_change_after_ten_minutes(
    app, client, db, make_user, monkeypatch
) -> None:
    app.config["MFA_REQUIRED_ROLES"] = ()
    admin = make_user(role=Role.ADMIN)
    learner = make_user()
    password_step(client, admin)
    later = clock.now() + timedelta(minutes=11)
    monkeypatch.setattr(clock, "now", lambda: later)
    data = {"role": "instructor", "confirmed": "yes", "reason": "helps teach"}
    response = client.post(
        url("admin.role", user_id=learner.id),
        data=data,
        headers={"Referer": "http://localhost/admin/users"},
    )
    assert response.status_code == 302
    assert "/auth/reauth" in response.headers["Location"]
    assert db.session.get(User, learner.id).role == Role.LEARNER
    bad = client.post("/auth/reauth?next=/admin/users", data={"password": "not it at all"})
    assert bad.status_code == 400
    good = client.post("/auth/reauth?next=/admin/users", data={"password": PASSWORD})
    assert good.headers["Location"].endswith("/admin/users")
    assert client.post(url("admin.role", user_id=learner.id), data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, learner.id).role == Role.INSTRUCTOR


def test_admin_can_reset_someone_elses_mfa_audited(app, client, db, make_user) -> None:
    instructor = make_user(role=Role.INSTRUCTOR)
    other = app.test_client()
    password_step(other, instructor)
    enrol(other, db, instructor)
    admin = make_user(role=Role.ADMIN)
    password_step(client, admin)
    enrol(client, db, admin)
    response = client.post(url("admin.mfa_reset", user_id=instructor.id))
    assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, instructor.id).mfa_enabled
    assert other.get(url("instructor.questions")).status_code == 302  # signed out everywhere
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.mfa_reset"))
    assert entry.actor_id == admin.id
    assert entry.target_id == instructor.id
    assert re.search("mfa_enabled", " ".join(db.session.scalars(select(AuditEntry.action))))
