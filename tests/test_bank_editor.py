"""Question editor: create, validation errors on the right field, preview, item-writing warnings."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from course.models import AuditEntry, Question, QuestionStatus
from tests.bankkit import Bank, build_bank, errors_for, form_data

NEW = "/instructor/questions/new?course=bank-course&module=beta"


@pytest.fixture
def bank(db) -> Bank:
    """The small test course."""
    return build_bank(2)


def filled(get_page, **over: object) -> dict[str, list[str]]:
    """A valid new-question form as the browser would send it, with overrides."""
    data = form_data(get_page(NEW), "form.bank-editor")
    data.update(
        {
            "stem": ["A 40-year-old man with depression asks about ketamine. What fits best?"],
            "options-0-text": ["Refer for a supervised ketamine assessment"],
            "options-0-correct": ["y"],
            "options-0-rationale": ["Correct: supervised care is what the evidence supports."],
            "options-1-text": ["Start ketamine at home without supervision"],
            "options-1-rationale": ["Wrong: unsupervised use is unsafe."],
            "options-2-text": ["Decline because depression never responds"],
            "options-2-rationale": ["Wrong: many patients respond."],
            "feedback": ["Supervised assessment first [1]."],
            "tags": ["indication"],
            "references": ["1, 2"],
        }
    )
    data.update({k: v if isinstance(v, list) else [v] for k, v in over.items()})
    return {k: v for k, v in data.items() if v != [None]}


def post(client, address: str, data: dict, action: str = "save") -> TestResponse:
    """Post the editor form with one of its buttons."""
    return client.post(address, data={**data, "action": action})


def soup_of(response) -> BeautifulSoup:
    """Parse a response."""
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_new_form_starts_with_four_options_in_the_chosen_module(bank, staff, get_page) -> None:
    soup = get_page(NEW)
    assert len(soup.select(".option-row")) == 4
    selected = soup.select_one("#module option[selected]")
    assert selected["value"] == str(bank.modules[1].id)
    objectives = [o.get_text() for o in soup.select("#objective option")]
    assert objectives == ["1. Explain evidence"]


def test_create_saves_a_draft_version_one_and_audits(db, bank, staff, client, get_page) -> None:
    response = post(client, NEW, filled(get_page, uid="beta-dep-1"))
    assert response.status_code == 302
    question = db.session.scalar(select(Question).where(Question.uid == "beta-dep-1"))
    assert question.status == QuestionStatus.DRAFT
    assert question.module_id == bank.modules[1].id
    assert [v.number for v in question.versions] == [1]
    version = question.current
    assert version.created_by_id == staff.id
    assert version.references == [1, 2]
    assert [o["key"] for o in version.options] == ["a", "b", "c"]  # the blank 4th row is dropped
    assert version.correct_keys == {"a"}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "question.create"))
    assert entry.actor_id == staff.id
    assert entry.target_id == question.id


def test_blank_id_gets_one_from_the_module(db, bank, staff, client, get_page) -> None:
    assert post(client, NEW, filled(get_page)).status_code == 302
    # The beta pool holds q-1, so the next id follows its style (tests/test_bank_editor_ux.py).
    assert db.session.scalar(select(Question.uid).order_by(Question.id.desc()).limit(1)) == "q-2"


OPTION_SET = "option-set-error"
BLANK_1_2 = {
    k: ""
    for k in ("options-1-text", "options-1-rationale", "options-2-text", "options-2-rationale")
}
# Each case: field overrides, then (where the error shows, what it says) for every broken rule.
RULES = [
    (
        {
            "options-0-correct": None,
            "references": "1, 9",
            "tags": None,
            "stem": "Too short",
            "uid": "Bad ID!",
        },
        [
            (OPTION_SET, "exactly one correct"),
            ("references", "Reference 9 is not in the course"),
            ("tags", "at least one tag"),
            ("stem", "at least 10"),
            ("uid", "a-z, 0-9"),
        ],
    ),
    (
        {
            "qtype": "multiple",
            "options-0-correct": None,
            "feedback": "",
            "references": "one",
            "objective": "2",
            "uid": "q-0",
        },
        [
            (OPTION_SET, "at least one correct option"),
            ("feedback", "required"),
            ("references", "not a number"),
            ("objective", "Not a valid choice"),
            ("uid", "already used"),
        ],
    ),
    (
        BLANK_1_2 | {"references": ""},
        [(OPTION_SET, "at least 2 options"), ("references", "at least one reference")],
    ),
    ({"qtype": "truefalse"}, [(OPTION_SET, "True and False")]),
    (
        {"options-1-rationale": "", "options-2-text": ""},
        [("options-1-rationale", "needs a rationale"), ("options-2-text", "option's text")],
    ),
    (
        {"options-1-correct": "y", "options-2-text": "Refer for a supervised ketamine assessment"},
        [(OPTION_SET, "exactly one correct"), (OPTION_SET, "same text")],
    ),
]


def shown_errors(soup: BeautifulSoup, where: str) -> list[str]:
    """Error messages attached to a field (or to the option set)."""
    if where == OPTION_SET:
        return [e.get_text(strip=True) for e in soup.select(f".{OPTION_SET}")]
    return errors_for(soup, where)


@pytest.mark.parametrize(("over", "expected"), RULES)
def test_each_rule_reports_on_its_field(
    db,
    bank,
    staff,
    client,
    get_page,
    over: dict,
    expected: list[tuple[str, str]],
) -> None:
    before = db.session.scalar(select(func.count(Question.id)))
    response = post(client, NEW, filled(get_page, **over))
    assert response.status_code == 200
    soup = soup_of(response)
    for where, message in expected:
        shown = shown_errors(soup, where)
        assert any(message.lower() in text.lower() for text in shown), (where, shown)
    assert soup.select_one(".alert-danger"), "the form-level banner is missing"
    assert db.session.scalar(select(func.count(Question.id))) == before


def test_true_false_with_fixed_options_saves_true_and_false_keys(
    db, bank, staff, client, get_page
) -> None:
    data = filled(
        get_page,
        uid="tf-1",
        qtype="truefalse",
        **{
            "options-0-text": "True",
            "options-1-text": "False",
            "options-2-text": "",
            "options-2-rationale": "",
        },
    )
    assert post(client, NEW, data).status_code == 302
    version = db.session.scalar(select(Question).where(Question.uid == "tf-1")).current
    assert {o["key"]: o["correct"] for o in version.options} == {"true": True, "false": False}


def test_preview_renders_sanitized_markdown_as_learners_see_it(
    db, bank, staff, client, get_page
) -> None:
    stem = "Is **this** safe? <script>alert('x')</script> [link](javascript:alert(1))"
    response = post(client, NEW, filled(get_page, stem=stem), action="preview")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    soup = soup_of(response)
    preview = soup.select_one("#preview fieldset")
    assert preview is not None
    stem_html = str(preview.select_one(".stem"))
    assert "<strong>this</strong>" in stem_html
    assert "&lt;script&gt;" in stem_html
    assert not preview.select('a[href^="javascript"]')
    assert all(tag.get("src") for tag in soup.find_all("script")), "an inline script got through"
    assert "<script>alert" not in html
    # The learner's view: radio inputs with opaque values, no key and no rationale.
    inputs = preview.select("input")
    assert [i["type"] for i in inputs] == ["radio"] * 3
    assert all(re.fullmatch(r"o[0-9a-f]{12}", i["value"]) for i in inputs)
    assert "Correct" not in preview.get_text()
    assert "rationale" not in preview.get_text().lower()
    assert db.session.scalar(select(func.count(Question.id))) == 2  # nothing saved


def test_item_writing_warnings_show_but_do_not_block(db, bank, staff, client, get_page) -> None:
    data = filled(
        get_page,
        uid="warn-1",
        stem="Which patient should not receive ketamine in this clinic?",
        **{"options-2-text": "All of the above"},
    )
    soup = soup_of(post(client, NEW, data, action="preview"))
    warnings = soup.select_one("#item-warnings").get_text()
    assert "negative stem" in warnings
    assert "all of the above" in warnings.lower()
    assert post(client, NEW, data).status_code == 302  # saving is still allowed
    question = db.session.scalar(select(Question).where(Question.uid == "warn-1"))
    edit = get_page("instructor.question_edit", question_id=question.id)
    assert "negative stem" in edit.select_one("#item-warnings").get_text()


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("Which of the following is NOT a reason to delay ketamine?", "negative stem"),
        ("Each of these delays ketamine EXCEPT which finding?", "negative stem"),
        ("Which patient does the article single out for ketamine?", 'anchored on "the article"'),
    ],
)
def test_editor_warns_as_a_new_author_would_write(
    bank, staff, client, get_page, stem, expected
) -> None:
    """The forms a new author tries first (NOT, EXCEPT, 'the article') warn in the editor."""
    data = filled(get_page, uid="warn-2", stem=stem)
    soup = soup_of(post(client, NEW, data, action="preview"))
    assert expected in soup.select_one("#item-warnings").get_text()


def test_add_option_adds_a_row_up_to_eight(bank, staff, client, get_page) -> None:
    data = filled(get_page)
    for expected in (5, 6, 7, 8, 8):
        soup = soup_of(post(client, NEW, data, action="add_option"))
        assert len(soup.select(".option-row")) == expected
        assert not soup.select(".invalid-feedback")
        data = {**form_data(soup, "form.bank-editor")}


def test_edit_form_is_prefilled_from_the_current_version(bank, staff, get_page) -> None:
    question = bank.questions["q-0"]
    soup = get_page("instructor.question_edit", question_id=question.id)
    data = form_data(soup, "form.bank-editor")
    assert data["stem"] == [question.current.stem]
    assert data["options-0-key"] == ["a"]
    assert data["options-0-correct"] == ["y"]
    assert data["references"] == ["1"]
    assert data["tags"] == ["indication"]
    assert "uid" not in data  # ids never change
