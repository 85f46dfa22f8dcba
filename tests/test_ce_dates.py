"""Dates that act: expiry stops enrolment and issuing; review due and the staff home."""

from __future__ import annotations

import html
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from course import clock
from course.certificates.eligibility import NotEligibleError
from course.models import CeActivity, Enrollment, Role
from tests.certkit import issue_for, make_eligible, sync_course
from tests.conftest import url

BEFORE_EXPIRY = datetime(2029, 11, 25, 23, 0, tzinfo=UTC)
AFTER_EXPIRY = datetime(2029, 11, 26, 0, 30, tzinfo=UTC)
REVIEW_DUE = datetime(2029, 11, 26, 0, 30, tzinfo=UTC)


@pytest.fixture
def course_content(db):
    """The real lessons without question pools (see sync_course)."""
    return sync_course()


def travel(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: moment)


def text_of(response) -> str:
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


def test_expiry_stops_new_enrolments_but_not_enrolled_learners(
    client, db, course_content, make_user, login, monkeypatch
) -> None:
    enrolled = make_user()
    db.session.add(Enrollment(user_id=enrolled.id, course_id=course_content.id))
    db.session.commit()
    travel(monkeypatch, BEFORE_EXPIRY)
    newcomer = login(make_user())
    client.post(url("auth.logout"))

    travel(monkeypatch, AFTER_EXPIRY)
    login(newcomer)
    response = client.post(
        url("learning.enroll_course", course_slug=course_content.slug), follow_redirects=True
    )
    assert "This activity expired on 2029-11-25" in text_of(response)
    assert db.session.scalar(select(Enrollment).where(Enrollment.user_id == newcomer.id)) is None
    client.post(url("auth.logout"))

    login(enrolled)
    page = text_of(client.get(url("learning.course_page", course_slug=course_content.slug)))
    assert "This activity expired on 2029-11-25" in page
    first = course_content.modules[0].slug
    assert (
        client.get(
            url("learning.module", course_slug=course_content.slug, module_slug=first)
        ).status_code
        == 200
    )


def test_expiry_stops_issuing_but_verify_pages_are_unaffected(
    app, client, db, course_content, make_user, monkeypatch
) -> None:
    admin = make_user(role=Role.ADMIN)
    early, late = make_user(full_name="Early Learner"), make_user(full_name="Late Learner")
    for learner in (early, late):
        make_eligible(learner.id, course_content)
    db.session.commit()
    travel(monkeypatch, BEFORE_EXPIRY)
    certificate = issue_for(early, course_content, admin)
    db.session.commit()

    travel(monkeypatch, AFTER_EXPIRY)
    with pytest.raises(NotEligibleError, match="expired on 2029-11-25"):
        issue_for(late, course_content, admin)
    db.session.rollback()
    verify = client.get(f"/verify/{certificate.code}")
    assert verify.status_code == 200
    assert "Early Learner" in text_of(verify)


def test_review_due_shows_to_staff_only(client, course_content, make_user, login, monkeypatch):
    travel(monkeypatch, REVIEW_DUE)
    login(make_user(role=Role.INSTRUCTOR))
    assert "Review due" in text_of(
        client.get(url("learning.course_page", course_slug=course_content.slug))
    )
    client.post(url("auth.logout"))
    login(make_user())
    assert "Review due" not in text_of(
        client.get(url("learning.course_page", course_slug=course_content.slug))
    )


def test_review_interval_is_configurable(db, course_content) -> None:
    from course.ce.activity import load_activity, parse

    row = db.session.scalar(select(CeActivity))
    row.info = {**row.info, "review_interval_years": 1, "expiry_date": "2027-11-01"}
    activity = parse(course_content, row)
    assert activity.review_due_on().isoformat() == "2027-11-26"
    assert load_activity(course_content) is not None


def test_staff_home_lists_what_needs_attention(
    client, db, course_content, make_user, login, monkeypatch, get_page
) -> None:
    learner = make_user(full_name="Queue Learner")
    make_eligible(learner.id, course_content)
    db.session.commit()
    # 2027-10-10: within 60 days of the source author's disclosure running out (2027-11-26).
    travel(monkeypatch, datetime(2027, 10, 10, tzinfo=UTC))
    login(make_user(role=Role.ADMIN))
    page = get_page("ce.staff_home")
    approvals = " ".join(page.find(attrs={"data-testid": "approvals"}).get_text(" ").split())
    assert "Queue Learner" in approvals
    watch = " ".join(page.find(attrs={"data-testid": "course-watch"}).get_text(" ").split())
    assert "Disclosure expiring Marie Hasty: valid until 26 November 2027" in watch

    travel(monkeypatch, datetime(2029, 10, 1, tzinfo=UTC))
    watch = " ".join(
        get_page("ce.staff_home").find(attrs={"data-testid": "course-watch"}).get_text(" ").split()
    )
    assert "Expires within 60 days" in watch
    assert "is older than 12 months" in watch  # the stale disclosure is a publish blocker
