"""Draft versions of published questions: learners keep the live version until Publish;
restoring an old version; the side-by-side word diff; staff only; every step audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course.instructor.bank.worddiff import side_by_side, word_diff
from course.models import AttemptItem, AuditEntry, Question, QuestionStatus
from course.quiz.services import question_pool
from tests.bankkit import Bank, build_bank, form_data, make_attempt
from tests.conftest import PASSWORD, url
from tests.quizkit import open_module, start

NEW_STEM = "Which plan best fits the adult patient described in case q-0?"


@pytest.fixture
def bank(db) -> Bank:
    """Module alpha's quiz draws both of its questions, q-0 and q-2 (both published)."""
    return build_bank(4)


def edit(client, get_page, question: Question, **over: str):
    """Save the editor for a question with some fields changed."""
    address = url("instructor.question_edit", question_id=question.id)
    data = form_data(get_page(address), "form.bank-editor")
    data.update({k: [v] for k, v in over.items()})
    return client.post(address, data={**data, "action": "save"}, follow_redirects=True)


def served(bank: Bank, uid: str) -> int:
    """The version number of `uid` that the module quiz would draw now."""
    pool = {v.question.uid: v.number for v in question_pool(bank.quizzes[0])}
    return pool[uid]


def audits(db, action: str) -> list[AuditEntry]:
    """Audit entries with this action, oldest first."""
    stmt = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    return list(db.session.scalars(stmt))


def learner_client(app, make_user):
    """A signed-in learner's own client."""
    learner = make_user()
    client = app.test_client()
    client.post(url("auth.login"), data={"email": learner.email, "password": PASSWORD})
    return client


def test_editing_a_published_question_saves_a_draft_version_learners_do_not_get(
    app, db, bank, staff, client, get_page, make_user
) -> None:
    question = bank.questions["q-0"]
    page = edit(client, get_page, question, stem=NEW_STEM).get_data(as_text=True)
    assert "Saved as draft version 2. Learners keep getting version 1" in page
    db.session.expire_all()
    question = db.session.get(Question, question.id)
    assert (question.status, question.latest_number, question.live_number) == (
        QuestionStatus.PUBLISHED,
        2,
        1,
    )
    assert question.pending_draft
    assert served(bank, "q-0") == 1
    [entry] = audits(db, "question.edit")
    assert entry.details == {"uid": "q-0", "version": 2, "draft": True, "live_version": 1}
    # A learner starting the quiz now is given version 1, and the attempt records it.
    learner = learner_client(app, make_user)
    open_module(learner, bank.course)
    attempt = start(learner, bank.quizzes[0])
    item = db.session.scalar(
        select(AttemptItem).where(
            AttemptItem.attempt_id == attempt.id,
            AttemptItem.question_version_id.in_([v.id for v in question.versions]),
        )
    )
    assert item.version.number == 1
    assert NEW_STEM not in learner.get(url("quiz.take", attempt_id=attempt.id)).get_data(
        as_text=True
    )
    # The editor says so, and offers to publish the draft version.
    soup = get_page("instructor.question_edit", question_id=question.id)
    assert "draft version 2" in soup.select_one("#pending-draft").get_text()
    assert soup.find("button", string="Publish version 2") is not None


def test_publish_serves_the_draft_version_and_is_audited(
    app, db, bank, staff, client, get_page, make_user
) -> None:
    question = bank.questions["q-0"]
    edit(client, get_page, question, stem=NEW_STEM)
    response = client.post(
        url("instructor.question_publish", question_id=question.id), follow_redirects=True
    )
    assert "version 2 is live" in response.get_data(as_text=True)
    db.session.expire_all()
    question = db.session.get(Question, question.id)
    assert not question.pending_draft
    assert question.live.number == 2
    assert served(bank, "q-0") == 2
    [entry] = audits(db, "question.publish")
    assert entry.details["version"] == 2
    assert entry.details["replaced"] == 1
    assert entry.actor_id == staff.id
    learner = learner_client(app, make_user)
    open_module(learner, bank.course)
    attempt = start(learner, bank.quizzes[0])
    assert NEW_STEM in learner.get(url("quiz.take", attempt_id=attempt.id)).get_data(as_text=True)
    # Nothing is waiting any more: a second Publish is refused and writes nothing.
    client.post(url("instructor.question_publish", question_id=question.id))
    assert len(audits(db, "question.publish")) == 1


def test_editing_a_draft_question_just_adds_versions(db, bank, staff, client, get_page) -> None:
    question = bank.questions["q-2"]
    question.status = QuestionStatus.DRAFT
    db.session.commit()
    page = edit(client, get_page, question, stem=NEW_STEM).get_data(as_text=True)
    assert "Saved as version 2." in page
    db.session.expire_all()
    assert db.session.get(Question, question.id).live_number is None
    [entry] = audits(db, "question.edit")
    assert "draft" not in entry.details


def test_restore_copies_an_old_version_into_a_new_draft_version(
    db, bank, staff, client, get_page
) -> None:
    question = bank.questions["q-0"]
    v1_stem = question.current.stem
    edit(client, get_page, question, stem=NEW_STEM)
    client.post(url("instructor.question_publish", question_id=question.id))
    history = get_page("instructor.question_history", question_id=question.id)
    restore = history.select_one("#version-1 form.restore-version")
    assert restore is not None
    assert history.select_one("#version-2 form.restore-version") is None  # the newest
    response = client.post(restore["action"], data=form_data(history, "#version-1 form"))
    assert response.status_code == 302
    db.session.expire_all()
    question = db.session.get(Question, question.id)
    assert question.latest_number == 3
    assert question.current.stem == v1_stem
    assert question.current.content_hash == question.versions[0].content_hash
    assert question.pending_draft  # a published question: it waits for Publish
    assert served(bank, "q-0") == 2
    [entry] = audits(db, "question.restore_version")
    assert entry.details == {"uid": "q-0", "from_version": 1, "version": 3}
    assert entry.actor_id == staff.id
    labels = {
        s["id"]: s.select_one(".version-state").get_text()
        for s in get_page("instructor.question_history", question_id=question.id).select(
            ".bank-version"
        )
    }
    assert labels["version-3"].startswith("draft version")
    assert labels["version-2"].startswith("live")
    assert labels["version-1"] == "older"


def test_restoring_the_newest_content_is_refused(db, bank, staff, client, get_page) -> None:
    question = bank.questions["q-0"]
    response = client.post(
        url("instructor.question_version_restore", question_id=question.id, number=1),
        data=form_data(get_page("instructor.question_history", question_id=question.id), "form"),
        follow_redirects=True,
    )
    assert "already the newest content" in response.get_data(as_text=True)
    missing = client.post(
        url("instructor.question_version_restore", question_id=question.id, number=9),
        data=form_data(get_page("instructor.question_history", question_id=question.id), "form"),
        follow_redirects=True,
    )
    assert "has no version 9" in missing.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Question, question.id).latest_number == 1
    assert audits(db, "question.restore_version") == []


def test_history_is_a_side_by_side_word_diff(db, bank, staff, client, get_page) -> None:
    question = bank.questions["q-0"]
    edit(client, get_page, question, stem=NEW_STEM)
    soup = get_page("instructor.question_history", question_id=question.id)
    table = soup.select_one("#version-2 table.bank-worddiff")
    heads = [th.get_text(strip=True) for th in table.select("thead th")]
    assert heads == ["Version 1 (before)", "Version 2 (after)"]
    text = table.get_text(" ")
    assert "@@" not in text
    assert "+++" not in text
    changed = table.select("tr.diff-changed")
    assert len(changed) == 1  # only the stem line changed
    old, new = changed[0].select("td")
    added = [i.get_text().removeprefix("added: ").strip() for i in new.select("ins")]
    assert added == ["adult"]
    assert old.select("ins") == []
    assert [d.get_text() for d in old.select("del")] == []  # words only added
    # Unchanged words are plain text on both sides; the cue is in words, not colour only.
    assert "Which plan best fits the" in old.get_text()
    assert new.select_one("ins .visually-hidden").get_text() == "added: "


def test_word_diff_marks_only_the_changed_words() -> None:
    older, newer = "give 50 mg daily by mouth", "give 75 mg twice daily by mouth"
    left, right = word_diff(older, newer)
    assert "".join(text for _, text in left) == older  # each side rejoins to its text
    assert "".join(text for _, text in right) == newer
    assert [t.strip() for k, t in left if k == "del"] == ["50"]
    assert [t.strip() for k, t in right if k == "ins"] == ["75", "twice"]
    assert ("same", "give ") in left
    rows = side_by_side(["Stem:", "old line", "same"], ["Stem:", "same", "new line"])
    assert [(r.left, r.right) for r in rows if r.changed] == [
        ([("del", "old line")], None),
        (None, [("ins", "new line")]),
    ]
    assert [r.changed for r in rows] == [False, True, False, True]


def test_history_and_restore_are_staff_only(db, bank, client, make_user, login) -> None:
    question = bank.questions["q-0"]
    restore = url("instructor.question_version_restore", question_id=question.id, number=1)
    assert (
        client.get(url("instructor.question_history", question_id=question.id)).status_code == 302
    )
    assert client.post(restore).status_code in (302, 400)  # signed out: sent to sign in
    login(make_user())
    assert (
        client.get(url("instructor.question_history", question_id=question.id)).status_code == 403
    )
    assert client.post(restore).status_code in (400, 403)
    assert client.post(url("instructor.question_publish", question_id=question.id)).status_code in (
        400,
        403,
    )
    db.session.expire_all()
    assert db.session.get(Question, question.id).latest_number == 1
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_bank_list_shows_the_draft_with_the_live_versions_statistics(
    db, bank, staff, client, get_page, make_user
) -> None:
    question = bank.questions["q-0"]
    for _ in range(20):  # enough answers to the live version for statistics
        other = bank.questions["q-2"].current
        make_attempt(make_user(), bank.quizzes[0], [(question.current, ["a"]), (other, ["b"])])
    edit(client, get_page, question, stem=NEW_STEM)
    row = get_page("instructor.questions", course="bank-course").select_one('tr[data-uid="q-0"]')
    assert "v2" in row.get_text()
    assert "draft v2 waiting" in row.get_text()
    assert row.select_one(".facility").get_text(strip=True) == "1.00"  # version 1's answers


def test_a_second_edit_replaces_the_waiting_draft_version(db, bank, staff, client, get_page):
    question = bank.questions["q-0"]
    edit(client, get_page, question, stem=NEW_STEM)
    edit(client, get_page, question, stem=NEW_STEM.replace("adult", "older"))
    db.session.expire_all()
    question = db.session.get(Question, question.id)
    assert (question.live_number, question.latest_number) == (1, 3)
    assert served(bank, "q-0") == 1
    history = get_page("instructor.question_history", question_id=question.id)
    labels = {
        s["id"]: s.select_one(".version-state").get_text() for s in history.select(".bank-version")
    }
    assert labels == {
        "version-3": "draft version: not yet published",
        "version-2": "older draft, never published",
        "version-1": "live: learners get this",
    }
