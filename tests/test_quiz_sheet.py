"""The answer view's plain read of an attempt (course/quiz/sheet.py), and what a stale one does.

A submit reads the attempt as an answer sheet, not as ORM instances (issue 17). These tests
check that the sheet holds what the ORM attempt holds, on SQLite and PostgreSQL alike, and that
a sheet read before another request graded the attempt can neither overwrite the stored
answers nor grade it a second time.
"""

from __future__ import annotations

from sqlalchemy import select

from course import clock
from course.models import Attempt, AttemptItem, AttemptStatus
from course.quiz.sheet import load_sheet
from course.quiz.submit import decode_answers, finalize_attempt, save_answers
from tests.conftest import url
from tests.quizkit import answers, module_quiz, open_module, start, submit


def _stored_responses(db, attempt_id: int) -> dict[int, list[str] | None]:
    rows = db.session.execute(
        select(AttemptItem.position, AttemptItem.response).where(
            AttemptItem.attempt_id == attempt_id
        )
    )
    return {position: response for position, response in rows}


def test_a_sheet_holds_what_the_orm_attempt_holds(
    client, db, course_content, signed_in_learner
) -> None:
    open_module(client, course_content)
    attempt = start(client, module_quiz(course_content))
    sheet = load_sheet(attempt.id)
    assert sheet is not None
    assert (sheet.id, sheet.user_id, sheet.seed, sheet.status) == (
        attempt.id,
        signed_in_learner.id,
        attempt.seed,
        AttemptStatus.IN_PROGRESS,
    )
    assert sheet.is_open
    assert sheet.settings == attempt.settings
    assert sheet.rules == attempt.rules
    assert sheet.deadline == attempt.deadline
    assert (sheet.quiz.kind, sheet.quiz.module_id, sheet.quiz.course_id) == (
        attempt.quiz.kind,
        attempt.quiz.module_id,
        attempt.quiz.course_id,
    )
    assert (
        [i.position for i in sheet.items] == [i.position for i in attempt.items] == [1, 2, 3, 4, 5]
    )
    for mine, theirs in zip(sheet.items, attempt.items, strict=True):
        assert (mine.id, mine.option_order, mine.response, mine.score) == (
            theirs.id,
            theirs.option_order,
            theirs.response,
            theirs.score,
        )
        version = theirs.version
        assert (mine.version.qtype, mine.version.options, mine.version.tags) == (
            version.qtype,
            version.options,
            version.tags,
        )
    # The browser's option tokens decode the same from either.
    form = answers(attempt, True)
    assert decode_answers(sheet, form) == decode_answers(attempt, form)
    assert load_sheet(attempt.id + 1000) is None


def test_a_save_from_a_sheet_read_before_the_attempt_was_graded_stores_nothing(
    client, db, course_content, signed_in_learner
) -> None:
    """The answers stored with a graded attempt are the ones its score was computed from."""
    open_module(client, course_content)
    attempt = start(client, module_quiz(course_content))
    stale = load_sheet(attempt.id)
    db.session.commit()
    assert submit(client, attempt, True).status_code == 302  # another tab submits
    graded = _stored_responses(db, attempt.id)
    assert all(graded.values())
    wrong = decode_answers(stale, answers(attempt, False))
    assert save_answers(stale, wrong, clock.now()) is False
    assert not stale.is_open  # so the view can say why nothing was saved
    db.session.commit()
    assert _stored_responses(db, attempt.id) == graded
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).score == 1.0


def test_a_save_stores_only_the_answered_items_and_the_sheet_follows(
    client, db, course_content, signed_in_learner
) -> None:
    open_module(client, course_content)
    attempt = start(client, module_quiz(course_content))
    sheet = load_sheet(attempt.id)
    chosen = decode_answers(sheet, answers(attempt, True))
    assert save_answers(sheet, {1: chosen[1], 3: chosen[3]}, clock.now()) is True
    db.session.commit()
    stored = _stored_responses(db, attempt.id)
    assert stored == {1: chosen[1], 2: None, 3: chosen[3], 4: None, 5: None}
    assert {i.position: i.response for i in sheet.items} == stored
    assert load_sheet(attempt.id).items[2].response == chosen[3]


def test_a_stale_sheet_submitted_again_shows_the_stored_result_and_grades_nothing(
    client, db, course_content, signed_in_learner
) -> None:
    open_module(client, course_content)
    attempt = start(client, module_quiz(course_content))
    stale = load_sheet(attempt.id)
    db.session.commit()
    assert submit(client, attempt, True).status_code == 302
    graded = _stored_responses(db, attempt.id)
    wrong = decode_answers(stale, answers(attempt, False))
    result = finalize_attempt(stale, wrong, clock.now())
    db.session.commit()
    assert result is stale
    assert (stale.status, stale.score, stale.passed) == (AttemptStatus.SUBMITTED, 1.0, True)
    assert {i.position: i.response for i in stale.items} == graded
    assert _stored_responses(db, attempt.id) == graded


def test_a_save_from_a_tab_left_open_after_a_submit_lands_on_the_result_and_says_why(
    client, db, course_content, signed_in_learner, get_page
) -> None:
    open_module(client, course_content)
    attempt = start(client, module_quiz(course_content))
    data = {**answers(attempt, False), "action": "save"}
    assert submit(client, attempt, True).status_code == 302
    graded = _stored_responses(db, attempt.id)
    response = client.post(url("quiz.answer", attempt_id=attempt.id), data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url("quiz.review", attempt_id=attempt.id))
    page = get_page("quiz.review", attempt_id=attempt.id)
    alert = page.find(attrs={"role": "alert"})
    assert alert is not None
    assert "already been submitted" in alert.get_text()
    assert "nothing was saved" in alert.get_text()
    assert _stored_responses(db, attempt.id) == graded
    # A repeated submit gets the result without a word: it is what the learner asked for.
    again = client.post(
        url("quiz.answer", attempt_id=attempt.id), data={**data, "action": "submit"}
    )
    assert again.status_code == 302
    assert get_page("quiz.review", attempt_id=attempt.id).find(attrs={"role": "alert"}) is None
