"""Question editor usability: textarea option text, tag checkboxes, ids in the pool's style."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from course.instructor.bank.services import next_uid
from course.models import Question
from tests.bankkit import Bank, add_question, build_bank, errors_for, form_data

NEW = "/instructor/questions/new?course=bank-course&module={}"


@pytest.fixture
def bank(db) -> Bank:
    """The small course, with q-0 in alpha and q-1 in beta."""
    return build_bank(2)


def pool(bank: Bank, module_index: int | None, *uids: str) -> None:
    """Add questions with these ids to a module (None: the final-exam pool)."""
    module = None if module_index is None else bank.modules[module_index]
    for uid in uids:
        add_question(bank.course, module, uid)


def test_option_text_is_a_textarea_and_tags_are_labelled_checkboxes(bank, staff, get_page):
    soup = get_page(NEW.format("alpha"))
    for n in range(4):
        box = soup.find(id=f"options-{n}-text")
        assert box.name == "textarea"
        assert int(box["rows"]) >= 2
    assert soup.select("select[name=tags]") == []  # no Ctrl-click multi-select
    boxes = soup.select("fieldset.bank-tags input[type=checkbox][name=tags]")
    assert [b["value"] for b in boxes][:3] == ["indication", "contraindication", "caution"]
    for box in boxes:
        label = soup.find("label", attrs={"for": box["id"]})
        assert label is not None
        assert label.get_text(strip=True) == box["value"]
    assert soup.select_one("fieldset.bank-tags legend").get_text(strip=True) == "Tags"


def test_ticked_tags_are_saved_and_shown_ticked_again(db, bank, staff, client, get_page):
    data = form_data(get_page(NEW.format("alpha")), "form.bank-editor")
    data.update(
        {
            "uid": ["tags-1"],
            "stem": ["Which finding should stop a ketamine infusion at once?"],
            "options-0-text": ["Severe hypertension\nabove the agreed limit"],
            "options-0-correct": ["y"],
            "options-0-rationale": ["Right: stop and reassess."],
            "options-1-text": ["Mild nausea"],
            "options-1-rationale": ["Wrong: common and manageable."],
            "feedback": ["Stop for severe hypertension [1]."],
            "tags": ["caution", "safety"],
            "references": ["1"],
            "action": ["save"],
        }
    )
    assert client.post(NEW.format("alpha"), data=data).status_code == 302
    question = db.session.scalar(select(Question).where(Question.uid == "tags-1"))
    assert question.current.tags == ["caution", "safety"]
    assert question.current.options[0]["text"] == "Severe hypertension\nabove the agreed limit"
    soup = get_page("instructor.question_edit", question_id=question.id)
    ticked = [b["value"] for b in soup.select("input[name=tags][checked]")]
    assert ticked == ["caution", "safety"]


def test_no_tag_ticked_is_an_error_on_the_tags(db, bank, staff, client, get_page):
    data = form_data(get_page(NEW.format("alpha")), "form.bank-editor")
    data.pop("tags", None)
    data["action"] = ["save"]
    response = client.post(NEW.format("alpha"), data=data)
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert errors_for(soup, "tags") == ["Choose at least one tag."]


def test_next_id_follows_the_pools_style(db, bank) -> None:
    pool(bank, 0, *(f"contra-{n}" for n in range(1, 11)))
    assert next_uid(bank.course, bank.modules[0]) == "contra-11"


def test_next_id_skips_gaps_and_collisions_elsewhere_in_the_course(db, bank) -> None:
    pool(bank, 0, "contra-1", "contra-2", "contra-7")  # a gap: 3..6
    pool(bank, 1, "contra-8", "contra-9")  # the same style taken in another module
    assert next_uid(bank.course, bank.modules[0]) == "contra-10"


def test_next_id_keeps_zero_padding_and_separatorless_styles(db, bank) -> None:
    pool(bank, 0, "anx-007", "anx-008", "anx-009")
    assert next_uid(bank.course, bank.modules[0]) == "anx-010"
    pool(bank, 1, "b7", "b8", "b9")
    assert next_uid(bank.course, bank.modules[1]) == "b10"


def test_next_id_uses_the_most_common_style_of_the_pool(db, bank) -> None:
    pool(bank, 0, "contra-1", "contra-2", "contra-3", "route-of-use", "misc-4")
    assert next_uid(bank.course, bank.modules[0]) == "contra-4"


def test_pool_without_numbered_ids_falls_back_to_the_module_slug(db, bank) -> None:
    pool(bank, 0, "route-of-use", "why-ketamine")
    pool(bank, 1, "alpha-1", "alpha-2")  # the slug style, taken in another module
    # alpha's own pool still holds q-0, the most common numbered style there
    assert next_uid(bank.course, bank.modules[0]) == "q-2"
    pool(bank, None, "final-word")
    assert next_uid(bank.course, None) == "final-1"


def test_slug_fallback_skips_taken_numbers(db) -> None:
    bank = build_bank(0)
    pool(bank, 0, "route-of-use")
    pool(bank, 1, "alpha-1", "alpha-2")
    assert next_uid(bank.course, bank.modules[0]) == "alpha-3"


def test_blank_id_on_save_takes_the_suggested_one(db, bank, staff, client, get_page) -> None:
    pool(bank, 0, *(f"contra-{n}" for n in range(1, 11)))
    db.session.commit()
    soup = get_page(NEW.format("alpha"))
    assert "(now contra-11)" in soup.select_one("#uid-help").get_text()
    data = form_data(soup, "form.bank-editor")
    data.update(
        {
            "stem": ["Which finding rules ketamine out for this patient today?"],
            "options-0-text": ["Uncontrolled hypertension"],
            "options-0-correct": ["y"],
            "options-0-rationale": ["Right: a contraindication."],
            "options-1-text": ["Mild anxiety"],
            "options-1-rationale": ["Wrong: not a contraindication."],
            "feedback": ["Hypertension rules it out [1]."],
            "tags": ["contraindication"],
            "references": ["1"],
            "action": ["save"],
        }
    )
    assert client.post(NEW.format("alpha"), data=data).status_code == 302
    assert db.session.scalar(select(Question).where(Question.uid == "contra-11")) is not None
