"""flask quiz audit-responses finds responses graded before strict grading; regrade fixes them."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import select

from course.models import AttemptItem, Role
from tests.conftest import url
from tests.quizkit import module_quiz, open_module, start, submit


def test_audit_lists_responses_graded_leniently_and_regrade_fixes_them(
    app,
    client,
    db,
    make_user,
    login,
    course_content,
) -> None:
    learner = login(make_user())
    open_module(client, course_content)
    attempt = start(client, module_quiz(course_content))
    submit(client, attempt, True)
    db.session.refresh(attempt)
    # What the old, truncating grader stored: every option of a single-answer item, scored 1.
    item = next(i for i in attempt.items if i.version.qtype == "single")
    item.response = sorted(o["key"] for o in item.version.options)
    item.score = 1.0
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["quiz", "audit-responses", "--fail"])
    assert result.exit_code == 1, result.output
    assert f"attempt {attempt.id} ({learner.email}" in result.output
    assert "OVER-SCORED" in result.output
    assert "1 invalid response(s); 1 over-scored, in 1 attempt(s)." in result.output
    question = item.version.question
    assert f"/instructor/questions/{question.id}/regrade" in result.output

    client.post(url("auth.logout"))
    login(make_user(role=Role.INSTRUCTOR))
    page = client.get(url("instructor.question_regrade", question_id=question.id)).get_data(
        as_text=True
    )
    soup = BeautifulSoup(page, "html.parser")
    (row,) = soup.select("tr.regrade-row")
    assert row["data-attempt"] == str(attempt.id)
    assert "1.00 → 0.00" in row.get_text(" ", strip=True)
    token = soup.find("input", attrs={"name": "token"})["value"]
    client.post(
        url("instructor.question_regrade_apply", question_id=question.id), data={"token": token}
    )
    stored = db.session.scalar(select(AttemptItem).where(AttemptItem.id == item.id))
    assert stored.score == 0.0
    clean = runner.invoke(args=["quiz", "audit-responses", "--fail"])
    assert clean.exit_code == 0, clean.output
    assert "0 over-scored" in clean.output
