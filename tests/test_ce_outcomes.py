"""Outcomes: the pre-test before module 1, knowledge gain, commitments, the follow-up survey."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import g

from course import clock
from course.ce.outcomes import due_follow_ups, knowledge_gain, outcomes_report
from course.learning.services import enroll
from course.models import (
    Attempt,
    AttemptStatus,
    CeActivity,
    CourseEvaluation,
    FollowUp,
    PreTest,
    QuestionVersion,
    Quiz,
    QuizKind,
    Role,
)
from tests.cekit import certificate
from tests.conftest import url


def with_outcomes(db, course, **outcomes) -> None:
    row = db.session.query(CeActivity).filter_by(course_id=course.id).one()
    row.info = {**row.info, "outcomes": {"pre_test_questions": 0, "follow_up_days": 30, **outcomes}}
    db.session.commit()
    g.pop("ce_activity", None)


@pytest.fixture
def at(monkeypatch):
    def travel(*ymd: int) -> datetime:
        moment = datetime(*ymd, 12, 0, tzinfo=UTC)
        monkeypatch.setattr(clock, "now", lambda: moment)
        return moment

    return travel


def test_pretest_comes_before_module_1_and_is_ungraded(
    db, client, login, make_user, course_content
) -> None:
    with_outcomes(db, course_content, pre_test_questions=5)
    learner = login(make_user())
    enroll(learner.id, course_content)
    db.session.commit()
    module = course_content.modules[0]
    address = url("learning.module", course_slug=course_content.slug, module_slug=module.slug)
    response = client.get(address)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/courses/{course_content.slug}/pretest")
    assert client.post(url("ce.pretest_start", course_slug=course_content.slug)).status_code == 302
    pretest = db.session.query(PreTest).one()
    assert len(pretest.items) == 5
    versions = (
        db.session.query(QuestionVersion)
        .filter(QuestionVersion.id.in_([i["version_id"] for i in pretest.items]))
        .all()
    )
    # The final's blueprint: its safety quota (min 6) is scaled to the pre-test's length.
    assert all({"contraindication", "caution", "safety"} & set(v.tags) for v in versions)
    page = client.get(url("ce.pretest", course_slug=course_content.slug)).get_data(as_text=True)
    assert page.count("<fieldset") == 5
    by_id = {v.id: v for v in versions}
    answers = {}
    for position, item in enumerate(pretest.items, 1):
        keys = sorted(by_id[item["version_id"]].correct_keys)
        answers[f"q{position}"] = keys if position <= 2 else ["zzz"]  # junk scores 0
    response = client.post(url("ce.pretest_submit", course_slug=course_content.slug), data=answers)
    assert response.status_code == 302
    db.session.refresh(pretest)
    assert pretest.score == pytest.approx(0.4)
    assert client.get(address).status_code == 200  # module 1 is open now
    again = client.post(url("ce.pretest_submit", course_slug=course_content.slug), data=answers)
    assert again.status_code == 302  # a second submission changes nothing
    db.session.refresh(pretest)
    assert pretest.score == pytest.approx(0.4)


def test_no_pretest_configured_is_404(client, login, make_user, course_content) -> None:
    login(make_user())
    assert client.get(url("ce.pretest", course_slug=course_content.slug)).status_code == 404


def _final(db, course):
    return db.session.query(Quiz).filter_by(course_id=course.id, kind=QuizKind.FINAL).one()


def _attempt(db, quiz, user, number: int, score: float) -> None:
    db.session.add(
        Attempt(
            quiz_id=quiz.id,
            user_id=user.id,
            number=number,
            seed=1,
            status=AttemptStatus.SUBMITTED,
            score=score,
        )
    )


def test_knowledge_gain_pairs_pretest_with_first_final_attempt(
    db, make_user, course_content
) -> None:
    final = _final(db, course_content)
    a, b, c = (
        make_user(full_name="Ann A"),
        make_user(full_name="Ben B"),
        make_user(full_name="Cy C"),
    )
    for user, pre in ((a, 0.4), (b, 0.6)):
        db.session.add(
            PreTest(user_id=user.id, course_id=course_content.id, items=[], answers={}, score=pre)
        )
    _attempt(db, final, a, 1, 0.9)
    _attempt(db, final, a, 2, 1.0)  # later attempts do not count
    _attempt(db, final, b, 1, 0.5)
    _attempt(db, final, c, 1, 0.8)  # no pre-test: not paired
    db.session.commit()
    gains = knowledge_gain(course_content)
    assert [(g.name, round(g.difference, 2)) for g in gains] == [("Ann A", 0.5), ("Ben B", -0.1)]
    report = outcomes_report(course_content)
    assert report.mean_gain == pytest.approx(0.2)


def test_follow_up_opens_after_the_configured_days(
    db, client, login, make_user, course_content, at, get_page
) -> None:
    with_outcomes(db, course_content, follow_up_days=30)
    learner = make_user()
    certificate(learner, course_content, date(2026, 3, 1))
    db.session.add(
        CourseEvaluation(
            user_id=learner.id,
            course_id=course_content.id,
            objectives_met=5,
            relevance=5,
            free_of_bias=True,
            intended_change="Screen every patient for psychosis history",
            change_confidence=4,
        )
    )
    db.session.commit()
    login(learner)
    at(2026, 3, 30)
    assert due_follow_ups(learner.id, clock.now().date()) == []
    assert client.get(url("ce.follow_up", course_slug=course_content.slug)).status_code == 404
    at(2026, 3, 31)
    soup = get_page("learning.dashboard")
    assert soup.select_one("#follow-ups a")["href"] == f"/courses/{course_content.slug}/follow-up"
    address = url("ce.follow_up", course_slug=course_content.slug)
    bad = client.post(address, data={"made_change": "maybe"})
    assert bad.status_code == 400
    assert "Not a valid choice" in bad.get_data(as_text=True)
    nul = client.post(address, data={"made_change": "partly", "barriers": "Time\x00 pressure"})
    assert nul.status_code == 400  # the platform refuses NUL bytes before any view
    ok = client.post(address, data={"made_change": "partly", "barriers": " Time pressure "})
    assert ok.status_code == 302
    row = db.session.query(FollowUp).one()
    assert (row.made_change, row.barriers) == ("partly", "Time pressure")
    assert client.get(address).status_code == 404  # answered: closed
    report = outcomes_report(course_content)
    assert report.response_rate == 1.0
    assert report.confidence[4] == 1
    assert ("screen", 1) in report.themes


def test_the_follow_up_delay_is_read_from_the_activity_or_defaults_to_thirty_days(
    db, make_user, course_content, count_queries
) -> None:
    learner = make_user()
    certificate(learner, course_content, date(2026, 3, 1))
    db.session.commit()
    with_outcomes(db, course_content, follow_up_days=10)
    assert due_follow_ups(learner.id, date(2026, 3, 10)) == []
    with count_queries() as counter:
        due = due_follow_ups(learner.id, date(2026, 3, 11))
    assert [(d.course.slug, d.completed, d.due) for d in due] == [
        (course_content.slug, date(2026, 3, 1), date(2026, 3, 11))
    ]
    assert counter.count == 1  # one narrow query; the course is already in the session
    row = db.session.query(CeActivity).filter_by(course_id=course_content.id).one()
    row.info = {k: v for k, v in row.info.items() if k != "outcomes"}  # no outcomes block
    db.session.commit()
    assert due_follow_ups(learner.id, date(2026, 3, 30)) == []
    assert [d.due for d in due_follow_ups(learner.id, date(2026, 3, 31))] == [date(2026, 3, 31)]


def test_outcomes_page_for_staff_with_small_n_caution(
    db, client, login, make_user, course_content, get_page
) -> None:
    login(make_user(role=Role.INSTRUCTOR))
    soup = get_page("ce.outcomes", course_slug=course_content.slug)
    assert soup.select("[data-caution]")
    assert len(soup.select("svg")) == 3
    assert "n = 0 paired learners" in soup.select_one("#gain-summary").get_text(" ", strip=True)


def test_pretest_junk_never_500s(db, client, login, make_user, course_content) -> None:
    with_outcomes(db, course_content, pre_test_questions=3)
    learner = login(make_user())
    base = f"/courses/{course_content.slug}/pretest"
    assert client.post(base, data={"q1": "a"}).status_code == 302  # not started: sent back
    assert client.post(f"{base}/start").status_code == 302  # not enrolled: sent to the course
    assert db.session.query(PreTest).count() == 0
    enroll(learner.id, course_content)
    db.session.commit()
    client.post(f"{base}/start")
    assert client.post(base, data={"q2": "\x00"}).status_code == 400  # NUL: refused up front
    junk = {"q1": ["a"] * 500, "q2": "<script>", "q3": "'; DROP TABLE user;--", "q999": "b"}
    assert client.post(base, data=junk).status_code == 302
    assert db.session.query(PreTest).one().score == 0.0
    assert client.post(base, data=junk, csrf=False).status_code in (302, 400)
