"""One preview token for every preview-then-commit flow: GIFT import, YAML import and regrade.

Each flow's commit is refused, with a worded reason and nothing written, when its token was
tampered with, belongs to another user, has expired, or when what the preview showed changed.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from course import clock
from course.extensions import db as database
from course.instructor.preview import TOKEN_MAX_AGE
from course.models import Attempt, AuditEntry, Question, QuestionVersion, Role
from tests.bankkit import Bank, build_bank, form_data, make_attempt, new_version
from tests.conftest import PASSWORD, url

GIFT = """// [id:tok-new]
::Token check::Which route is described in the article for mental health care?{
=Intravenous infusion#Right: infusions are the first model.
~Inhaled vapour#No inhaled route is described.
~Transdermal patch#No patch is described.
####The article describes infusions [1].}
"""

NEW_KEY = [
    {
        "id": "a",
        "text": "A supervised ketamine infusion course",
        "correct": False,
        "rationale": "Old.",
    },
    {
        "id": "b",
        "text": "An immediate switch to oral sertraline",
        "correct": True,
        "rationale": "New.",
    },
    {
        "id": "c",
        "text": "Lithium started at a high dose today",
        "correct": False,
        "rationale": "No.",
    },
]


@dataclass
class Flow:
    """How to reach one flow's commit: its URL, the commit form data, and its 'changed' text."""

    address: str
    data: dict[str, list[str]]
    changed: str
    follow: bool = False


def _gift(client, bank: Bank, get_page) -> Flow:
    data = {
        "source_text": GIFT,
        "fmt": "gift",
        "course": str(bank.course.id),
        "category_mode": "module",
        "default_module": str(bank.modules[0].id),
    }
    data["csrf_token"] = _csrf(get_page("instructor.imports"))
    response = client.post(url("instructor.import_preview"), data=data)
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    commit = form_data(soup, 'form[action="/instructor/import/commit"]')
    return Flow("/instructor/import/commit", commit, "changed since your preview")


def _yaml(client, bank: Bank, get_page) -> Flow:
    export = client.get(url("instructor.bank_export", course="bank-course", module="alpha"))
    data = yaml.safe_load(export.get_data(as_text=True))
    data["questions"][0]["stem"] = "A stem edited in the file, to be imported as a new version?"
    address = url("instructor.bank_import", course="bank-course")
    page = get_page(address)
    upload = {
        "csrf_token": _csrf(page),
        "upload-yaml_file": (io.BytesIO(yaml.safe_dump(data).encode()), "m.yaml"),
    }
    response = client.post(address, data=upload, content_type="multipart/form-data")
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return Flow(address, form_data(soup, "#import-plan form"), "changed since the preview")


def _regrade(client, bank: Bank, get_page) -> Flow:
    question = bank.questions["q-0"]
    address = f"/instructor/questions/{question.id}/regrade"
    soup = get_page(address)
    return Flow(
        address, form_data(soup, f'form[action="{address}"]'), "changed since the dry run", True
    )


FLOWS: dict[str, Callable[..., Flow]] = {"gift": _gift, "yaml": _yaml, "regrade": _regrade}


def _csrf(soup: BeautifulSoup) -> str:
    field = soup.find("input", attrs={"name": "csrf_token"})
    assert field is not None
    return field["value"]


@pytest.fixture
def bank(db, make_user) -> Bank:
    """The small bank; a learner answered q-0 version 1, and version 2 changed its key."""
    bank = build_bank(4, pass_score=0.5)
    learner = make_user(full_name="Rita Regrade")
    q0, q2 = bank.questions["q-0"].current, bank.questions["q-2"].current
    make_attempt(learner, bank.quizzes[0], [(q0, ["b"]), (q2, ["a"])])
    new_version(bank.questions["q-0"], options=NEW_KEY)
    db.session.commit()
    return bank


def snapshot(db) -> tuple[Any, ...]:
    """Everything a commit could write: questions, versions, audit entries and scores."""
    db.session.expire_all()
    scores = [
        (a.score, a.passed, [i.score for i in a.items])
        for a in db.session.scalars(select(Attempt).order_by(Attempt.id))
    ]
    return (
        db.session.scalar(select(func.count(Question.id))),
        db.session.scalar(select(func.count(QuestionVersion.id))),
        db.session.scalar(select(func.count(AuditEntry.id))),
        scores,
    )


def post(client, flow: Flow, **over: Any):
    """Submit the commit form, with some fields replaced; return the page text."""
    data = {**flow.data, **over}
    response = client.post(flow.address, data=data, follow_redirects=flow.follow)
    assert response.status_code < 500
    return response.get_data(as_text=True)


def token_field(flow: Flow) -> str:
    """The name of the flow's signed field (the YAML commit form has a prefix)."""
    [name] = [n for n in flow.data if n.endswith("token") and "csrf" not in n]
    return name


@pytest.mark.parametrize("name", list(FLOWS))
def test_a_tampered_token_is_refused(name, db, bank, staff, client, get_page) -> None:
    flow = FLOWS[name](client, bank, get_page)
    field = token_field(flow)
    [token] = flow.data[field]
    middle = len(token) // 3
    tampered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    before = snapshot(db)
    assert "missing or was altered" in post(client, flow, **{field: tampered})
    assert snapshot(db) == before
    assert "missing or was altered" in post(client, flow, **{field: ""})
    assert snapshot(db) == before


@pytest.mark.parametrize("name", list(FLOWS))
def test_a_token_from_another_user_is_refused(
    name, app, db, bank, staff, client, get_page, make_user
) -> None:
    flow = FLOWS[name](client, bank, get_page)
    other = make_user(role=Role.INSTRUCTOR)
    intruder = app.test_client()
    response = intruder.post(url("auth.login"), data={"email": other.email, "password": PASSWORD})
    assert response.status_code == 302
    csrf = _csrf(BeautifulSoup(intruder.get(url("instructor.imports")).data, "html.parser"))
    before = snapshot(db)
    fields = {n: v for n, v in flow.data.items() if not n.endswith("csrf_token")}
    csrf_name = next(n for n in flow.data if n.endswith("csrf_token"))
    data = {**fields, csrf_name: csrf}
    response = intruder.post(flow.address, data=data, follow_redirects=flow.follow)
    assert response.status_code < 500
    assert "belongs to another user" in response.get_data(as_text=True)
    assert snapshot(db) == before


@pytest.mark.parametrize("name", list(FLOWS))
def test_an_expired_token_is_refused(name, db, bank, staff, client, get_page, monkeypatch) -> None:
    flow = FLOWS[name](client, bank, get_page)
    real_now = clock.now
    later = timedelta(seconds=TOKEN_MAX_AGE + 60)
    monkeypatch.setattr(clock, "now", lambda: real_now() + later)
    before = snapshot(db)
    assert "preview expired" in post(client, flow)
    assert snapshot(db) == before


def _change(name: str, bank: Bank) -> None:
    """Change what the flow's preview showed, as a colleague acting in between would."""
    if name == "gift":  # the previewed new question now exists
        question = Question(course=bank.course, uid="tok-new", module=bank.modules[0])
        question.latest_number = 0
        new_version_of(question)
    else:  # q-0 gets another version: the YAML plan and the regrade's key both move
        options = [{**o, "text": o["text"] + " (reworded)"} for o in NEW_KEY]
        new_version(bank.questions["q-0"], options=options)


def new_version_of(question: Question) -> None:
    """Give a fresh question a first version."""
    database.session.add(question)
    new_version(question)


@pytest.mark.parametrize("name", list(FLOWS))
def test_a_token_whose_data_changed_is_refused(name, db, bank, staff, client, get_page) -> None:
    flow = FLOWS[name](client, bank, get_page)
    _change(name, bank)
    db.session.commit()
    before = snapshot(db)
    assert flow.changed in post(client, flow)
    assert snapshot(db) == before


@pytest.mark.parametrize("name", list(FLOWS))
def test_an_untouched_token_commits(name, db, bank, staff, client, get_page) -> None:
    """The control: the same steps without interference do write (so the refusals mean it)."""
    flow = FLOWS[name](client, bank, get_page)
    before = snapshot(db)
    post(client, flow)
    assert snapshot(db) != before
