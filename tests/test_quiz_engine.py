"""Quiz engine through the web: frozen attempts, grading once, limits, time, review and gating."""

from __future__ import annotations

import re

import pytest
import yaml
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from course import clock
from course.models import Attempt, AttemptStatus, Enrollment, QuestionVersion
from course.quiz.services import question_pool
from tests.conftest import url
from tests.quizkit import (
    Clock,
    answers,
    final_quiz,
    module_quiz,
    open_module,
    pass_module,
    start,
    submit,
)


@pytest.fixture
def fake_clock(monkeypatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(clock, "now", c)
    return c


def set_settings(db, quiz, **changes) -> None:
    quiz.settings = {**quiz.settings, **changes}
    db.session.commit()


def test_overview_shows_pass_mark_before_start(
    client, course_content, signed_in_learner, get_page
) -> None:
    open_module(client, course_content)
    soup = get_page("quiz.overview", quiz_id=module_quiz(course_content).id)
    text = soup.get_text(" ")
    assert "Pass mark: 80%" in text
    assert "you need 4 correct" in text
    assert soup.find("button", string=re.compile("Start the quiz"))


def test_quiz_needs_the_lesson_first(client, course_content, signed_in_learner) -> None:
    client.post(url("learning.enroll_course", course_slug=course_content.slug))
    response = client.post(url("quiz.start", quiz_id=module_quiz(course_content).id))
    assert response.status_code == 302
    assert "/quiz/attempt/" not in response.headers["Location"]
    follow = client.get(response.headers["Location"])
    assert "Read the lesson before taking its quiz" in follow.get_data(as_text=True)


def test_attempt_is_frozen_at_start(client, db, course_content, signed_in_learner) -> None:
    open_module(client, course_content)
    quiz = module_quiz(course_content)
    attempt = start(client, quiz)
    first = client.get(url("quiz.take", attempt_id=attempt.id)).get_data(as_text=True)
    again = start(client, quiz)  # resuming returns the same attempt
    assert again.id == attempt.id
    second = client.get(url("quiz.take", attempt_id=attempt.id)).get_data(as_text=True)
    assert first == second
    assert len(attempt.items) == quiz.settings["question_count"]
    assert attempt.seed
    versions = {item.question_version_id for item in attempt.items}
    assert len(versions) == len(attempt.items)


def test_fail_then_pass_unlocks_next_module(client, db, course_content, signed_in_learner) -> None:
    open_module(client, course_content)
    quiz = module_quiz(course_content)
    attempt = start(client, quiz)
    response = submit(client, attempt, correct=False)
    assert response.headers["Location"].endswith(f"/quiz/attempt/{attempt.id}/review")
    review = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not passed" in review
    assert ">Correct answer<" not in review  # key hidden until pass or attempts run out
    chosen = attempt.items[0].version.option(attempt.items[0].response[0])
    # Compare text with text: an apostrophe in a rationale is &#39; in the raw HTML.
    shown = " ".join(BeautifulSoup(review, "html.parser").get_text().split())
    rationale = " ".join(BeautifulSoup(chosen["rationale"], "html.parser").get_text().split())
    assert rationale[:30] in shown
    module2 = course_content.modules[1]
    locked = client.get(
        url("learning.module", course_slug=course_content.slug, module_slug=module2.slug)
    )
    assert locked.status_code == 302

    retry = start(client, quiz)
    assert retry.id != attempt.id
    assert retry.number == 2
    passed = client.get(submit(client, retry, True).headers["Location"]).get_data(as_text=True)
    assert "Passed" in passed
    assert ">Correct answer<" in passed
    assert (
        client.get(
            url("learning.module", course_slug=course_content.slug, module_slug=module2.slug)
        ).status_code
        == 200
    )
    dashboard = client.get(url("learning.dashboard")).get_data(as_text=True)
    assert "1 of 7 modules complete" in dashboard


def test_submit_twice_grades_once(
    client, db, course_content, signed_in_learner, fake_clock
) -> None:
    open_module(client, course_content)
    attempt = start(client, module_quiz(course_content))
    submit(client, attempt, True)
    db.session.refresh(attempt)
    score, submitted_at = attempt.score, attempt.submitted_at
    fake_clock.advance(minutes=3)
    replay = submit(client, attempt, False)  # double click / second tab / replay
    assert replay.status_code == 302
    db.session.refresh(attempt)
    assert attempt.score == score == 1.0
    assert attempt.submitted_at == submitted_at


def test_nobody_sees_or_submits_another_persons_attempt(
    app, client, db, course_content, signed_in_learner, make_user
) -> None:
    open_module(client, course_content)
    attempt = start(client, module_quiz(course_content))
    data = {**answers(attempt, True), "action": "submit"}
    other = app.test_client()
    intruder = make_user()
    other.post(
        url("auth.login"),
        data={"email": intruder.email, "password": "correct horse battery staple"},
    )
    assert other.get(url("quiz.take", attempt_id=attempt.id)).status_code == 404
    assert other.post(url("quiz.answer", attempt_id=attempt.id), data=data).status_code == 404
    assert other.get(url("quiz.review", attempt_id=attempt.id)).status_code == 404
    assert other.get(f"/api/v1/attempts/{attempt.id}").status_code == 404
    db.session.refresh(attempt)
    assert attempt.status == AttemptStatus.IN_PROGRESS


def test_attempt_limit_and_key_revealed_when_exhausted(
    client, db, course_content, signed_in_learner
) -> None:
    open_module(client, course_content)
    quiz = module_quiz(course_content)
    set_settings(db, quiz, max_attempts=2)
    first = start(client, quiz)
    submit(client, first, False)
    second = start(client, quiz)
    review = client.get(submit(client, second, False).headers["Location"]).get_data(as_text=True)
    assert ">Correct answer<" in review  # attempts exhausted: the key is shown
    blocked = client.post(url("quiz.start", quiz_id=quiz.id))
    assert "/quiz/attempt/" not in blocked.headers["Location"]
    assert "used all your attempts" in client.get(url("quiz.overview", quiz_id=quiz.id)).get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count(Attempt.id))) == 2


def test_cooldown_between_attempts(
    client, db, course_content, signed_in_learner, fake_clock
) -> None:
    open_module(client, course_content)
    quiz = module_quiz(course_content)
    set_settings(db, quiz, cooldown_minutes=30)
    submit(client, start(client, quiz), False)
    fake_clock.advance(minutes=29)
    blocked = client.post(url("quiz.start", quiz_id=quiz.id))
    assert "/quiz/attempt/" not in blocked.headers["Location"]
    assert "cooldown" in client.get(url("quiz.overview", quiz_id=quiz.id)).get_data(as_text=True)
    fake_clock.advance(minutes=2)
    assert start(client, quiz).number == 2


def test_late_answers_are_graded_as_they_stood_at_the_deadline(
    client, db, course_content, signed_in_learner, fake_clock
) -> None:
    open_module(client, course_content)
    quiz = module_quiz(course_content)
    set_settings(db, quiz, time_limit_minutes=10)
    attempt = start(client, quiz)
    assert attempt.deadline is not None
    fake_clock.advance(minutes=5)
    saved = client.post(
        url("quiz.answer", attempt_id=attempt.id),
        data={**answers(attempt, False), "action": "save"},
    )
    assert saved.status_code == 302
    fake_clock.advance(minutes=10)  # past the deadline
    submit(client, attempt, True)  # all correct, but too late
    db.session.refresh(attempt)
    assert attempt.late is True
    assert attempt.score == 0.0  # the saved (wrong) answers were graded
    assert attempt.submitted_at == fake_clock()


def test_not_counted_policy_scores_late_attempts_zero(
    client, db, course_content, signed_in_learner, fake_clock
) -> None:
    open_module(client, course_content)
    quiz = module_quiz(course_content)
    set_settings(db, quiz, time_limit_minutes=10, late_policy="not_counted")
    attempt = start(client, quiz)
    client.post(
        url("quiz.answer", attempt_id=attempt.id), data={**answers(attempt, True), "action": "save"}
    )
    fake_clock.advance(minutes=11)
    submit(client, attempt, True)
    db.session.refresh(attempt)
    assert attempt.late
    assert attempt.score == 0.0
    assert attempt.passed is False


def test_expired_open_attempt_is_graded_when_the_learner_returns(
    client, db, course_content, signed_in_learner, fake_clock
) -> None:
    open_module(client, course_content)
    quiz = module_quiz(course_content)
    set_settings(db, quiz, time_limit_minutes=10)
    attempt = start(client, quiz)
    client.post(
        url("quiz.answer", attempt_id=attempt.id),
        data={**answers(attempt, False), "action": "save"},
    )
    fake_clock.advance(hours=2)
    second = start(client, quiz)
    db.session.refresh(attempt)
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.score is not None
    assert not attempt.passed
    assert second.number == 2


def test_no_try_again_or_cooldown_after_a_pass(
    client, db, course_content, signed_in_learner
) -> None:
    open_module(client, course_content)
    quiz = module_quiz(course_content)
    set_settings(db, quiz, cooldown_minutes=30)
    attempt = start(client, quiz)
    review = client.get(submit(client, attempt, True).headers["Location"]).get_data(as_text=True)
    overview = client.get(url("quiz.overview", quiz_id=quiz.id)).get_data(as_text=True)
    for page in (review, overview):
        assert "Try again" not in page
        assert "try again after" not in page
    assert "You passed this quiz" in overview
    assert client.post(url("quiz.start", quiz_id=quiz.id)).status_code == 302
    assert db.session.scalar(select(func.count(Attempt.id))) == 1


KEY_CUES = re.compile(r"correct|rationale|data-key|data-answer|is-right|feedback", re.I)


def test_no_answer_key_in_the_browser_before_submission(
    client, db, course_content, signed_in_learner
) -> None:
    open_module(client, course_content)
    attempt = start(client, module_quiz(course_content))
    html = client.get(url("quiz.take", attempt_id=attempt.id)).get_data(as_text=True)
    payload = client.get(f"/api/v1/attempts/{attempt.id}").get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    form = soup.find("form", class_="quiz-form")
    assert form is not None
    for page in (str(form), payload):
        assert not KEY_CUES.search(page), KEY_CUES.search(page)
        for item in attempt.items:
            for option in item.version.options:
                assert option["rationale"][:40] not in page
                assert f'value="{option["key"]}"' not in page
                assert f'"id": "{option["key"]}"' not in page
            assert item.version.feedback[:40] not in page
    values = [i["value"] for i in form.find_all("input", attrs={"type": ["radio", "checkbox"]})]
    assert all(re.fullmatch(r"o[0-9a-f]{12}", v) for v in values)
    classes = {c for tag in form.find_all(class_=True) for c in tag["class"]}
    assert not any(KEY_CUES.search(c) for c in classes)


def test_option_tokens_are_per_attempt_not_stable_ids(
    client, db, course_content, signed_in_learner
) -> None:
    from course.quiz.submit import option_token

    open_module(client, course_content)
    quiz = module_quiz(course_content)
    first = start(client, quiz)
    submit(client, first, False)
    second = start(client, quiz)
    html = client.get(url("quiz.take", attempt_id=second.id)).get_data(as_text=True)
    tokens = [
        i["value"]
        for i in BeautifulSoup(html, "html.parser").find_all(
            "input", attrs={"type": ["radio", "checkbox"]}
        )
    ]
    assert len(set(tokens)) == len(tokens)
    seen_before = {
        option_token(first, item, key) for item in first.items for key in item.option_order
    }
    assert not seen_before & set(tokens)  # a key learnt in one attempt is useless in the next
    # Attempt 1's tokens name no option of attempt 2: kept as unknown, they score nothing.
    replay = {
        f"q{i.position}": [option_token(first, i, k) for k in i.option_order] for i in first.items
    }
    client.post(url("quiz.answer", attempt_id=second.id), data={**replay, "action": "save"})
    db.session.refresh(second)
    assert all(item.response and set(item.response) == {"?"} for item in second.items)
    client.post(url("quiz.answer", attempt_id=second.id), data={**replay, "action": "submit"})
    db.session.refresh(second)
    assert second.score == 0.0


def test_module_quizzes_unlock_in_order_and_final_opens_last(
    client, db, course_content, signed_in_learner
) -> None:
    final = final_quiz(course_content)
    client.post(url("learning.enroll_course", course_slug=course_content.slug))
    blocked = client.post(url("quiz.start", quiz_id=module_quiz(course_content, 2).id))
    assert "/quiz/attempt/" not in blocked.headers["Location"]
    assert (
        "/quiz/attempt/" not in client.post(url("quiz.start", quiz_id=final.id)).headers["Location"]
    )
    for position in range(1, 8):
        pass_module(client, course_content, position)
    attempt = start(client, final)
    assert len(attempt.items) == final.settings["question_count"] == 20
    tags = [set(item.version.tags) for item in attempt.items]
    # The final's draw rule guarantees its safety quota, whatever the random seed.
    [rule] = final.rules.draw
    assert sum(1 for t in tags if t & set(rule.tags)) >= rule.min == 6
    submit(client, attempt, True)
    enrollment = db.session.scalar(select(Enrollment))
    assert enrollment.completed_at is not None
    progress = client.get("/api/v1/me/progress").get_json()["courses"][0]
    assert progress["percent_complete"] == 100
    assert progress["final_exam"]["passed"] is True
    assert progress["modules"][0]["quiz"]["best_score"] == 1.0


def test_versioning_keeps_old_attempts_unchanged(
    app, client, db, course_content, signed_in_learner, tmp_path
) -> None:
    import shutil

    from course.content.loader import load_content
    from course.content.sync import sync_bundle
    from tests.conftest import ROOT

    open_module(client, course_content)
    quiz = module_quiz(course_content)
    attempt = start(client, quiz)
    submit(client, attempt, True)
    item = attempt.items[0]
    old_version = item.version
    old_stem = old_version.stem
    review_before = client.get(url("quiz.review", attempt_id=attempt.id)).get_data(as_text=True)

    quizzes = tmp_path / "quizzes"
    shutil.copytree(ROOT / "quizzes", quizzes)
    uid = old_version.question.uid
    path = next(p for p in quizzes.glob("*.yaml") if f"id: {uid}\n" in p.read_text())
    data = yaml.safe_load(path.read_text())
    entry = next(q for q in data["questions"] if q["id"] == uid)
    entry["stem"] = "EDITED STEM for version two of this question."
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    bundle = load_content(ROOT / "modules", quizzes)
    assert bundle.ok, [str(p) for p in bundle.problems]
    report = sync_bundle(bundle)
    db.session.commit()
    assert f"question {uid}" in report.changed
    versions = db.session.scalars(
        select(QuestionVersion)
        .where(QuestionVersion.question_id == old_version.question_id)
        .order_by(QuestionVersion.number)
    ).all()
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].stem.startswith("EDITED STEM")
    db.session.refresh(item)
    assert item.question_version_id == old_version.id
    review_after = client.get(url("quiz.review", attempt_id=attempt.id)).get_data(as_text=True)
    assert review_after == review_before
    assert "EDITED STEM" not in review_after
    assert old_stem[:30] in BeautifulSoup(review_after, "html.parser").get_text()
    pool = {v.id for v in question_pool(quiz)}
    assert versions[1].id in pool  # new attempts draw the new version
    assert versions[0].id not in pool


def test_dashboard_and_course_page_show_quiz_results(
    client, course_content, signed_in_learner, get_page
) -> None:
    open_module(client, course_content)
    quiz = module_quiz(course_content)
    submit(client, start(client, quiz), False)
    submit(client, start(client, quiz), True)
    dashboard = get_page("learning.dashboard")
    row = dashboard.find("a", string=quiz.title).find_parent("tr")
    cells = [td.get_text(strip=True) for td in row.find_all("td")]
    assert cells[1:] == ["100%", "2", "unlimited", "Passed"]
    course_text = get_page("learning.course_page", course_slug=course_content.slug).get_text(" ")
    assert "best score 100%" in course_text
    assert "attempts used 2" in course_text
    overview = get_page("quiz.overview", quiz_id=quiz.id)
    reviews = overview.find_all("a", string="Review")
    assert len(reviews) == 2


def test_unanswered_questions_are_named_before_grading(
    client, db, course_content, signed_in_learner
) -> None:
    open_module(client, course_content)
    attempt = start(client, module_quiz(course_content))
    partial = answers(attempt, True)
    first_key = sorted(partial)[0]
    kept = {first_key: partial[first_key]}
    response = client.post(
        url("quiz.answer", attempt_id=attempt.id), data={**kept, "action": "submit"}
    )
    assert "check=1" in response.headers["Location"]
    db.session.refresh(attempt)
    assert attempt.is_open  # nothing graded yet; the answer given is saved
    soup = BeautifulSoup(client.get(response.headers["Location"]).data, "html.parser")
    links = [a["href"] for a in soup.select("[data-testid=unanswered] a")]
    assert links
    assert all(link.startswith("#question-") for link in links)
    for link in links:
        assert soup.select_one(link) is not None  # every link lands on its question
    anyway = {**kept, "action": "submit", "unanswered_ok": "yes"}
    assert (
        "/review"
        in client.post(url("quiz.answer", attempt_id=attempt.id), data=anyway).headers["Location"]
    )


def test_timed_attempt_has_a_sticky_announced_timer_and_a_navigator(
    client, db, course_content, signed_in_learner
) -> None:
    open_module(client, course_content)
    quiz = module_quiz(course_content)
    set_settings(db, quiz, time_limit_minutes=10)
    attempt = start(client, quiz)
    soup = BeautifulSoup(client.get(url("quiz.take", attempt_id=attempt.id)).data, "html.parser")
    bar = soup.select_one("[data-testid=quiz-bar]")
    assert "sticky-top" in bar["class"]
    live = soup.select_one("#timer-announce")
    assert live["aria-live"] == "assertive"
    assert bar.select_one(".quiz-timer")["data-announce"] == "timer-announce"
    links = bar.select("nav[aria-label=Questions] a")
    assert [a["href"] for a in links] == [f"#question-{i.position}" for i in attempt.items]
    flags = soup.select("button[data-flag]")
    assert flags
    assert all(b["type"] == "button" and not b.has_attr("name") for b in flags)  # never posted
