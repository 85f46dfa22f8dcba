"""Versioning (edits add versions, history diffs) and the publish/retire/restore/delete rules."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select
from werkzeug.test import TestResponse

from course.models import AuditEntry, Question, QuestionStatus, QuestionVersion
from course.quiz.services import question_pool
from tests.bankkit import Bank, add_question, build_bank, form_data, make_attempt
from tests.conftest import PASSWORD, url


@pytest.fixture
def bank(db) -> Bank:
    """The small test course."""
    return build_bank(2)


def edit(client, get_page, question: Question, **over: str) -> TestResponse:
    """Submit the editor for a question with some fields changed."""
    address = url("instructor.question_edit", question_id=question.id)
    data = form_data(get_page(address), "form.bank-editor")
    data.update({k: [v] for k, v in over.items()})
    return client.post(address, data={**data, "action": "save"})


def audits(db, action: str) -> list[AuditEntry]:
    """Audit entries with this action."""
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_edit_after_attempts_adds_version_two_and_keeps_the_attempt_on_v1(
    app,
    db,
    bank,
    staff,
    client,
    get_page,
    make_user,
) -> None:
    question = bank.questions["q-0"]
    v1 = question.current
    old_stem = v1.stem
    learner = make_user()
    attempt = make_attempt(learner, bank.quizzes[0], [(v1, ["a"])])
    new_stem = "A 52-year-old woman with refractory depression asks about ketamine. Which plan?"
    response = edit(
        client, get_page, question, stem=new_stem, **{"options-1-text": "Oral esketamine only"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    versions = db.session.scalars(
        select(QuestionVersion)
        .where(QuestionVersion.question_id == question.id)
        .order_by(QuestionVersion.number)
    ).all()
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].stem == old_stem  # never edited in place
    assert versions[1].stem == new_stem
    assert versions[1].created_by_id == staff.id
    assert attempt.items[0].question_version_id == v1.id
    [entry] = audits(db, "question.edit")
    assert entry.details["version"] == 2
    assert entry.actor_id == staff.id

    history = get_page("instructor.question_history", question_id=question.id)
    v2 = history.select_one("#version-2")
    removed = " ".join(d.get_text() for d in v2.select("del.diff-del"))
    added = " ".join(d.get_text() for d in v2.select("ins.diff-add"))
    assert "refractory depression" in added
    assert "Oral esketamine only" in added
    assert "immediate switch to oral sertraline" in removed
    assert "used in 1 attempt item" in history.select_one("#version-1").get_text()

    # The learner's review still shows what they saw: version 1.
    learner_client = app.test_client()
    learner_client.post(url("auth.login"), data={"email": learner.email, "password": PASSWORD})
    review = learner_client.get(url("quiz.review", attempt_id=attempt.id))
    assert review.status_code == 200
    text = BeautifulSoup(review.get_data(as_text=True), "html.parser").get_text()
    assert "version 1" not in text  # version numbers are staff vocabulary, not a learner's
    assert "refractory depression" not in text
    assert old_stem[:40] in text


def test_saving_without_changes_adds_no_version(db, bank, staff, client, get_page) -> None:
    question = bank.questions["q-0"]
    response = edit(client, get_page, question)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Question, question.id).latest_number == 1
    assert audits(db, "question.edit") == []
    assert (
        "Nothing changed"
        in get_page("instructor.question_edit", question_id=question.id).get_text()
    )


def test_history_escapes_markup_in_the_diff(db, bank, staff, client, get_page) -> None:
    question = bank.questions["q-0"]
    edit(
        client, get_page, question, stem="Which plan fits? <img src=x onerror=alert(1)> <b>bold</b>"
    )
    response = client.get(url("instructor.question_history", question_id=question.id))
    html = response.get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.select(".bank-diff img")
    assert not soup.select(".bank-diff b")


def test_publish_retire_restore_cycle_is_audited(db, bank, staff, client) -> None:
    draft = add_question(bank.course, bank.modules[0], "draft-1", status=QuestionStatus.DRAFT)
    db.session.commit()
    quiz = bank.quizzes[0]
    base = f"/instructor/questions/{draft.id}"
    assert draft.current.id not in {v.id for v in question_pool(quiz)}
    assert client.post(f"{base}/publish").status_code == 302
    db.session.refresh(draft)
    assert draft.status == QuestionStatus.PUBLISHED
    assert draft.current.id in {v.id for v in question_pool(quiz)}
    client.post(f"{base}/publish")  # already published: refused, nothing changes
    assert len(audits(db, "question.publish")) == 1
    client.post(f"{base}/retire")
    db.session.refresh(draft)
    assert draft.status == QuestionStatus.RETIRED
    assert draft.current.id not in {v.id for v in question_pool(quiz)}
    client.post(f"{base}/restore")
    db.session.refresh(draft)
    assert draft.status == QuestionStatus.DRAFT
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["question.publish", "question.retire", "question.restore"]
    assert audits(db, "question.retire")[0].details == {
        "uid": "draft-1",
        "before": "published",
        "after": "retired",
    }


def test_retire_button_asks_for_confirmation(bank, staff, get_page) -> None:
    soup = get_page("instructor.question_edit", question_id=bank.questions["q-0"].id)
    form = soup.find("form", action=lambda a: a and a.endswith("/retire"))
    assert form.find("button")["data-confirm"]


def test_never_attempted_draft_can_be_deleted_after_confirmation(
    db, bank, staff, client, get_page
) -> None:
    draft = add_question(bank.course, bank.modules[0], "draft-1", status=QuestionStatus.DRAFT)
    db.session.commit()
    address = url("instructor.question_delete", question_id=draft.id)
    page = get_page("instructor.question_edit", question_id=draft.id)
    button = page.find("form", action=address).find("button")
    assert button["data-confirm"]
    client.post(address)  # no confirmation field: refused
    assert db.session.get(Question, draft.id) is not None
    assert client.post(address, data={"confirm": "delete"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Question, draft.id) is None
    assert not db.session.scalars(
        select(QuestionVersion).where(QuestionVersion.question_id == draft.id)
    ).all()
    [entry] = audits(db, "question.delete")
    assert entry.details["uid"] == "draft-1"
    assert entry.actor_id == staff.id


def test_attempted_or_published_questions_cannot_be_deleted(
    db,
    bank,
    staff,
    client,
    get_page,
    make_user,
) -> None:
    published = bank.questions["q-0"]
    client.post(
        url("instructor.question_delete", question_id=published.id), data={"confirm": "delete"}
    )
    assert db.session.get(Question, published.id) is not None
    # Attempted, then retired and restored to draft: still never deletable.
    make_attempt(make_user(), bank.quizzes[0], [(published.current, ["a"])])
    client.post(url("instructor.question_retire", question_id=published.id))
    client.post(url("instructor.question_restore", question_id=published.id))
    db.session.refresh(published)
    assert published.status == QuestionStatus.DRAFT
    response = client.post(
        url("instructor.question_delete", question_id=published.id),
        data={"confirm": "delete"},
        follow_redirects=True,
    )
    assert "retire it instead" in response.get_data(as_text=True)
    assert db.session.get(Question, published.id) is not None
    page = get_page("instructor.question_edit", question_id=published.id)
    assert not page.find("form", action=f"/instructor/questions/{published.id}/delete")
    assert "never deleted" in page.get_text()
    assert audits(db, "question.delete") == []
