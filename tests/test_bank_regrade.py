"""Regrade: a dry run lists exactly whose results change; the confirmation applies and audits."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course.learning.services import complete_module
from course.models import Attempt, AuditEntry, ModuleProgress, Question, User
from tests.bankkit import (
    OPTIONS,
    Bank,
    add_question,
    build_bank,
    form_data,
    make_attempt,
    new_version,
)

NEW_KEY = [
    {
        "id": "a",
        "text": "A supervised ketamine infusion course",
        "correct": False,
        "rationale": "Now outdated.",
    },
    {
        "id": "b",
        "text": "An immediate switch to oral sertraline",
        "correct": True,
        "rationale": "New guidance.",
    },
    {
        "id": "c",
        "text": "Lithium started at a high dose today",
        "correct": False,
        "rationale": "Unsafe.",
    },
]


@pytest.fixture
def scenario(db, make_user) -> tuple[Bank, Question, dict[str, User]]:
    """Learners who answered q-0 version 1 in different ways, then q-0 gets a new key in v2."""
    bank = build_bank(4, pass_score=0.5)
    quiz, module = bank.quizzes[0], bank.modules[0]
    q0, q2 = bank.questions["q-0"].current, bank.questions["q-2"].current
    people = {}
    plan = {
        "Rising Rita": ["b", "b"],  # 0 -> 0.5: newly passes
        "Steady Sam": ["a", "a"],  # 1 -> 0.5: still passes
        "Falling Fay": ["a", "b"],  # 0.5 -> 0: loses the pass
        "Wrong Walt": ["c", "a"],  # wrong both times: unchanged
        "Dropped Dan": ["d", "a"],  # chose d, which v2 removes: still 0, unchanged
    }
    for name, (first, second) in plan.items():
        people[name] = make_user(full_name=name)
        make_attempt(people[name], quiz, [(q0, [first]), (q2, [second])])
    complete_module(people["Falling Fay"].id, module.id)
    people["Open Olga"] = make_user(full_name="Open Olga")
    make_attempt(people["Open Olga"], quiz, [(q0, ["b"]), (q2, ["a"])], submitted=False)
    question = bank.questions["q-0"]
    v2 = new_version(question, options=NEW_KEY)
    people["New Nia"] = make_user(full_name="New Nia")
    make_attempt(people["New Nia"], quiz, [(v2, ["a"]), (q2, ["a"])])
    db.session.commit()
    return bank, question, people


def attempt_of(db, user) -> Attempt:
    """The user's first attempt."""
    return db.session.scalar(select(Attempt).where(Attempt.user_id == user.id, Attempt.number == 1))


def completed(db, user, module) -> bool:
    """Whether the user's module progress is complete."""
    row = db.session.scalar(
        select(ModuleProgress).where(
            ModuleProgress.user_id == user.id, ModuleProgress.module_id == module.id
        )
    )
    return row is not None and row.completed_at is not None


def snapshot(db) -> list[tuple]:
    """Every attempt's and item's score, to prove a dry run changes nothing."""
    db.session.expire_all()
    return [
        (a.id, a.score, a.passed, [(i.question_version_id, i.score) for i in a.items])
        for a in db.session.scalars(select(Attempt).order_by(Attempt.id))
    ]


def test_dry_run_lists_exactly_the_affected_learners_and_changes_nothing(
    db,
    scenario,
    staff,
    get_page,
) -> None:
    bank, question, people = scenario
    before = snapshot(db)
    soup = get_page("instructor.question_regrade", question_id=question.id)
    rows = {
        r.find("td").get_text(strip=True): [td.get_text(" ", strip=True) for td in r.find_all("td")]
        for r in soup.select("tr.regrade-row")
    }
    assert set(rows) == {"Rising Rita", "Steady Sam", "Falling Fay"}
    assert rows["Rising Rita"][3:6] == [
        "0.00 → 1.00",
        "0% → 50%",
        "newly passes (the module is completed)",
    ]
    assert rows["Steady Sam"][3:6] == ["1.00 → 0.00", "100% → 50%", "passed (no change)"]
    assert rows["Falling Fay"][3:5] == ["1.00 → 0.00", "50% → 0%"]
    assert "loses the pass" in rows["Falling Fay"][5]
    assert "kept" in rows["Falling Fay"][5]
    assert all(r[2] == "v1" for r in rows.values())
    summary = soup.select_one("#regrade-summary").get_text(" ", strip=True)
    assert "5 responses checked" in summary
    assert "1 other response chose a removed option" in summary
    assert snapshot(db) == before
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_confirm_applies_the_dry_run_and_audits_it(
    db,
    scenario,
    staff,
    client,
    get_page,
) -> None:
    bank, question, people = scenario
    module = bank.modules[0]
    v1_id = question.versions[0].id
    address = f"/instructor/questions/{question.id}/regrade"
    data = form_data(get_page(address), f'form[action="{address}"]')
    assert not completed(db, people["Rising Rita"], module)
    assert client.post(address, data=data).status_code == 302
    db.session.expire_all()
    rita, sam, fay = (
        attempt_of(db, people[n]) for n in ("Rising Rita", "Steady Sam", "Falling Fay")
    )
    assert (rita.score, rita.passed, rita.items[0].score) == (0.5, True, 1.0)
    assert (sam.score, sam.passed, sam.items[0].score) == (0.5, True, 0.0)
    assert (fay.score, fay.passed, fay.items[0].score) == (0.0, False, 0.0)
    assert all(a.items[0].question_version_id == v1_id for a in (rita, sam, fay))  # still v1
    assert completed(db, people["Rising Rita"], module)
    assert completed(db, people["Falling Fay"], module)  # a lost pass never un-completes
    walt, dan = attempt_of(db, people["Wrong Walt"]), attempt_of(db, people["Dropped Dan"])
    assert (walt.score, dan.score) == (0.5, 0.5)
    assert attempt_of(db, people["Open Olga"]).score is None
    [entry] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "question.regrade")
    ).all()
    assert entry.actor_id == staff.id
    assert entry.target_id == question.id
    assert entry.details["version"] == 2
    changes = {c["user_id"]: c for c in entry.details["changes"]}
    assert set(changes) == {people[n].id for n in ("Rising Rita", "Steady Sam", "Falling Fay")}
    assert changes[people["Rising Rita"].id]["passed"] == [False, True]
    # Nothing is left to regrade, and a repeat confirmation is refused.
    assert "Nothing to regrade" in get_page(address).get_text()
    assert client.post(address, data=data).status_code == 302
    assert (
        len(
            db.session.scalars(
                select(AuditEntry).where(AuditEntry.action == "question.regrade")
            ).all()
        )
        == 1
    )


def test_confirmation_from_a_stale_dry_run_is_refused(
    db,
    scenario,
    staff,
    client,
    get_page,
) -> None:
    bank, question, people = scenario
    address = f"/instructor/questions/{question.id}/regrade"
    data = form_data(get_page(address), f'form[action="{address}"]')
    before = snapshot(db)
    response = client.post(address, data={**data, "token": "forged"}, follow_redirects=True)
    assert "missing or was altered" in response.get_data(as_text=True)
    assert client.post(address, data={}).status_code == 302  # no token at all
    new_version(question, options=[{**o, "correct": o["id"] == "c"} for o in NEW_KEY])
    db.session.commit()
    client.post(address, data=data)  # the dry run was for version 2, the key is now version 3's
    assert snapshot(db) == before


def test_a_removed_option_scores_as_not_chosen(db, staff, get_page, make_user) -> None:
    bank = build_bank(2, pass_score=0.5)
    keyed_d = [
        {"id": k, "text": t, "correct": k == "d", "rationale": "Some rationale."}
        for k, t, _ in OPTIONS
    ]
    question = add_question(bank.course, bank.modules[0], "keyed-d", options=keyed_d)
    db.session.commit()
    learner = make_user(full_name="Dora Dee")
    make_attempt(
        learner,
        bank.quizzes[0],
        [(question.current, ["d"]), (bank.questions["q-0"].current, ["a"])],
    )
    new_version(question, options=[{**o, "correct": o["id"] == "a"} for o in NEW_KEY])
    db.session.commit()
    soup = get_page("instructor.question_regrade", question_id=question.id)
    [row] = soup.select("tr.regrade-row")
    cells = [td.get_text(" ", strip=True) for td in row.find_all("td")]
    assert cells[0] == "Dora Dee"
    assert cells[3] == "1.00 → 0.00"
    assert cells[4] == "100% → 50%"
    assert cells[6] == "d (now counted as not chosen)"


def test_single_version_questions_have_nothing_to_regrade(db, staff, get_page) -> None:
    bank = build_bank(2)
    soup = get_page("instructor.question_regrade", question_id=bank.questions["q-0"].id)
    assert "Nothing to regrade" in soup.get_text()
    assert not soup.select("form[action$='/regrade']")
