"""Quiz submit (issue 17): graded in memory, written in a fixed handful of statements."""

from __future__ import annotations

from sqlalchemy import event, select

from course.models import Attempt, AttemptItem, ModuleProgress, QuestionVersion, Quiz
from tests.conftest import is_postgres, url
from tests.quizkit import answers, module_quiz, open_module, start

# The user load, the attempt with its quiz, its items with their versions, the claiming
# UPDATE (status and result at once), one executemany for every item; a pass adds the
# module-completion UPDATE and one query that decides course completion: the SELECT that
# finds the final still ahead, or else the learner query (test_quiz_course_completion.py).
FAIL_BUDGET = 5
PASS_BUDGET = 7


def test_a_passing_submit_costs_at_most_seven_statements(
    client, db, course_content, make_user, login, count_queries
) -> None:
    user = login(make_user())
    open_module(client, course_content, 1)  # also warms the course read model
    attempt = start(client, module_quiz(course_content, 1))
    data = {**answers(attempt, True), "action": "submit"}
    with count_queries() as counter:
        response = client.post(url("quiz.answer", attempt_id=attempt.id), data=data)
    assert response.status_code == 302
    assert "/review" in response.headers["Location"]
    updates = [s for s in counter.statements if s.startswith("UPDATE attempt_item")]
    assert len(updates) == 1, counter.statements  # every item in one executemany
    assert counter.count <= PASS_BUDGET, counter.statements
    db.session.expire_all()
    db.session.refresh(attempt)
    assert attempt.passed
    assert attempt.score == 1.0
    assert all(item.score == 1.0 and item.response for item in attempt.items)
    done = db.session.scalar(
        select(ModuleProgress.completed_at).where(ModuleProgress.user_id == user.id)
    )
    assert done is not None


def test_a_failing_submit_costs_at_most_five_and_a_repeat_changes_nothing(
    client, db, course_content, make_user, login, count_queries
) -> None:
    login(make_user())
    open_module(client, course_content, 1)
    attempt = start(client, module_quiz(course_content, 1))
    data = {**answers(attempt, False), "action": "submit"}
    with count_queries() as counter:
        assert client.post(url("quiz.answer", attempt_id=attempt.id), data=data).status_code == 302
    assert counter.count <= FAIL_BUDGET, counter.statements
    db.session.expire_all()
    db.session.refresh(attempt)
    assert attempt.passed is False
    submitted = attempt.submitted_at
    again = {**answers(attempt, True), "action": "submit"}
    assert client.post(url("quiz.answer", attempt_id=attempt.id), data=again).status_code == 302
    db.session.expire_all()
    db.session.refresh(attempt)
    assert (attempt.passed, attempt.submitted_at) == (False, submitted)  # graded once


def test_a_submit_grades_as_a_reader_and_takes_the_write_lock_only_for_its_writes(
    client, db, course_content, make_user, login
) -> None:
    """On SQLite the request reads (and grades) under a plain BEGIN; the writes follow
    under BEGIN IMMEDIATE, so a concurrent submit waits only for those few statements."""
    login(make_user())
    open_module(client, course_content, 1)
    attempt = start(client, module_quiz(course_content, 1))
    data = {**answers(attempt, True), "action": "submit"}
    seen: list[str] = []
    db.session.commit()  # the fixture's shared session ends its transaction, as a request's would

    def on_sql(conn, cursor, statement, *args) -> None:
        seen.append(statement if statement.startswith("BEGIN") else statement.split()[0].upper())

    event.listen(db.engine, "before_cursor_execute", on_sql)
    try:
        response = client.post(url("quiz.answer", attempt_id=attempt.id), data=data)
    finally:
        event.remove(db.engine, "before_cursor_execute", on_sql)
    assert "/review" in response.headers["Location"]
    if is_postgres():
        return  # PostgreSQL has no database-wide write lock; one transaction serves
    begins = [i for i, s in enumerate(seen) if s.startswith("BEGIN")]
    assert [seen[i] for i in begins] == ["BEGIN", "BEGIN IMMEDIATE"], seen
    first_write = next(i for i, s in enumerate(seen) if s in ("UPDATE", "INSERT", "DELETE"))
    assert begins[1] < first_write  # every write sits inside the immediate transaction
    assert all(s == "SELECT" for s in seen[begins[0] + 1 : begins[1]])  # reads only before


def test_a_submit_in_a_fresh_session_reads_plain_rows_with_only_the_graded_version_columns(
    client, db, course_content, make_user, login, count_queries
) -> None:
    """As in production, the submit's session starts empty. The attempt is read as plain rows
    (course/quiz/sheet.py): no ORM instance of the attempt, its quiz, items or versions is
    built, only the version columns decoding and grading use are read, and nothing is
    lazy-loaded after it."""
    user = login(make_user())
    open_module(client, course_content, 1)
    attempt = start(client, module_quiz(course_content, 1))
    data = {**answers(attempt, True), "action": "submit"}
    attempt_id, user_id = attempt.id, user.id
    db.session.commit()
    db.session.expunge_all()  # nothing of the attempt is already in the identity map
    hydrated: list[str] = []

    def on_load(target, context) -> None:
        hydrated.append(type(target).__name__)

    watched = (Attempt, AttemptItem, Quiz, QuestionVersion)
    for model in watched:
        event.listen(model, "load", on_load)
    try:
        with count_queries() as counter:
            response = client.post(url("quiz.answer", attempt_id=attempt_id), data=data)
    finally:
        for model in watched:
            event.remove(model, "load", on_load)
    assert "/review" in response.headers["Location"]
    assert hydrated == []
    assert counter.count <= PASS_BUDGET, counter.statements
    load = next(s for s in counter.statements if "FROM attempt" in s and "question_version" in s)
    for graded in ("qtype", "options", "tags"):
        assert f"question_version.{graded}" in load, load
    for unread in ("stem", "feedback", "difficulty", "content_hash"):
        assert f"question_version.{unread}" not in load, load
    db.session.expire_all()
    graded = db.session.get(type(attempt), attempt_id)
    assert graded.passed
    assert graded.score == 1.0
    done = db.session.scalar(
        select(ModuleProgress.completed_at).where(ModuleProgress.user_id == user_id)
    )
    assert done is not None


def test_a_submit_with_a_stale_form_token_records_nothing_and_says_what_to_do(
    client, db, course_content, make_user, login, get_page
) -> None:
    """A quiz page opened before the learner signed in again carries a CSRF token that no
    longer matches: the submit is refused (nothing graded or saved), and the learner lands back
    on the attempt with a message, not on a bare 400 page."""
    login(make_user())
    open_module(client, course_content, 1)
    attempt = start(client, module_quiz(course_content, 1))
    data = {**answers(attempt, True), "action": "submit", "csrf_token": "stale-token"}
    response = client.post(url("quiz.answer", attempt_id=attempt.id), data=data, csrf=False)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url("quiz.take", attempt_id=attempt.id))
    db.session.expire_all()
    db.session.refresh(attempt)
    assert attempt.is_open
    assert all(item.response is None for item in attempt.items)
    page = get_page(url("quiz.take", attempt_id=attempt.id))
    assert "nothing was recorded" in page.get_text()
    other = client.post(url("quiz.start", quiz_id=attempt.quiz_id), csrf=False)
    assert other.status_code == 400  # any other form keeps the plain refusal
