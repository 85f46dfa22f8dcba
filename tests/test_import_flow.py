"""GIFT import, step by step: Back keeps the text, tags are chosen in the preview, and the
result page links to each new draft and to the bank showing just them."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from course.content.schema import TAGS
from course.models import AuditEntry, Question, QuestionVersion, Role
from tests.bankkit import Bank, build_bank, form_data
from tests.conftest import PASSWORD, url

GIFT = """// [id:flow-one] [tag:evidence] [tag:from-moodle]
::First::Which route is described in the article for mental health care?{
=Intravenous infusion#Right: infusions are the first model.
~Inhaled vapour#No inhaled route is described.
####The article describes infusions [1].}

// [id:flow-two]
::Second::Which setting does the article describe for the infusions?{
=A supervised clinic#Right: always supervised.
~At home alone#Never unsupervised.
}
"""


@pytest.fixture
def bank(db) -> Bank:
    """The small course (its q-0 .. q-3 are untouched by the import)."""
    return build_bank(4)


def soup_of(response) -> BeautifulSoup:
    """Parse a response."""
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def preview(client, get_page, bank: Bank, text: str = GIFT, mode: str = "tags") -> BeautifulSoup:
    """Paste the text and return the preview page."""
    data = form_data(get_page("instructor.imports"), 'form[action="/instructor/import/preview"]')
    data.update(
        {
            "source_text": [text],
            "fmt": ["gift"],
            "course": [str(bank.course.id)],
            "category_mode": [mode],
            "default_module": [str(bank.modules[1].id)],
        }
    )
    response = client.post(url("instructor.import_preview"), data=data)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return soup_of(response)


def commit_data(page: BeautifulSoup) -> dict[str, list[str]]:
    """What the browser sends for Import: the form, plus the ticked tag boxes tied to it by
    their form="import-commit" attribute (they sit beside each question, outside the form)."""
    data = form_data(page, "form#import-commit")
    for box in page.select('input[form="import-commit"][checked]'):
        data.setdefault(box["name"], []).append(box["value"])
    return data


def written(db) -> tuple[int, int, int]:
    """Questions, versions and audit entries stored."""
    return tuple(
        db.session.scalar(select(func.count(model.id)))
        for model in (Question, QuestionVersion, AuditEntry)
    )


def test_back_from_the_preview_keeps_the_pasted_text_and_choices(
    db, bank, staff, client, get_page
) -> None:
    page = preview(client, get_page, bank)
    back = page.select_one("form#import-back")
    assert back.find("button").get_text(strip=True) == "Back: edit the text"
    response = client.post(back["action"], data=form_data(page, "form#import-back"))
    assert response.status_code == 200
    form = soup_of(response)
    # (a browser drops the newline the textarea starts with)
    assert form.select_one("textarea[name=source_text]").get_text().lstrip("\r\n") == GIFT
    assert form.select_one("input[name=category_mode][checked]")["value"] == "tags"
    assert form.select_one("select[name=course] option[selected]")["value"] == str(bank.course.id)
    selected = form.select_one("select[name=default_module] option[selected]")
    assert selected["value"] == str(bank.modules[1].id)
    # The kept text previews again as it did.
    again = client.post(
        url("instructor.import_preview"),
        data=form_data(form, 'form[action="/instructor/import/preview"]'),
    )
    assert soup_of(again).select_one("#count-new").get_text() == "2 new"


def test_back_with_a_damaged_or_foreign_token_is_refused(
    app, db, bank, staff, client, get_page, make_user
) -> None:
    page = preview(client, get_page, bank)
    data = form_data(page, "form#import-back")
    response = client.post(url("instructor.import_back"), data={**data, "back-token": "x"})
    assert response.status_code == 400
    assert "missing or was altered" in response.get_data(as_text=True)
    other = make_user(role=Role.INSTRUCTOR)
    intruder = app.test_client()
    intruder.post(url("auth.login"), data={"email": other.email, "password": PASSWORD})
    csrf = soup_of(intruder.get(url("instructor.imports"))).find(
        "input", attrs={"name": "csrf_token"}
    )
    stolen = {**data, "csrf_token": csrf["value"]}
    response = intruder.post(url("instructor.import_back"), data=stolen)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "belongs to another user" in text
    assert "Which route is described" not in text


def test_preview_offers_tag_checkboxes_applied_on_commit(db, bank, staff, client, get_page) -> None:
    page = preview(client, get_page, bank)
    boxes = page.select("fieldset.import-tags input[type=checkbox][name=tags-flow-one]")
    values = [b["value"] for b in boxes]
    assert values[:7] == list(TAGS)  # the bank's own vocabulary first
    assert values[7:] == ["from-moodle"]  # the question's own tag is offered too
    assert [b["value"] for b in boxes if b.has_attr("checked")] == ["evidence", "from-moodle"]
    for box in boxes:
        assert box["form"] == "import-commit"
        assert page.find("label", attrs={"for": box["id"]}) is not None
    data = commit_data(page)
    data["tags-flow-one"] = ["evidence", "safety"]  # unticks from-moodle, ticks safety
    data["tags-flow-two"] = ["delivery"]
    response = client.post(url("instructor.import_commit"), data=data)
    assert response.status_code == 302
    stored = {q.uid: q.current.tags for q in db.session.scalars(select(Question))}
    assert stored["flow-one"] == ["evidence", "safety"]
    assert stored["flow-two"] == ["delivery"]


def test_a_tag_that_was_not_offered_is_refused_and_nothing_written(
    db, bank, staff, client, get_page
) -> None:
    page = preview(client, get_page, bank)
    data = commit_data(page)
    data["tags-flow-two"] = ["made-up"]
    before = written(db)
    response = client.post(url("instructor.import_commit"), data=data)
    assert response.status_code == 400
    assert "Tags of flow-two: &#39;made-up&#39; is not a tag of the bank" in response.get_data(
        as_text=True
    )
    assert written(db) == before


def test_result_page_links_to_each_new_draft_and_a_filtered_bank(
    db, bank, staff, client, get_page
) -> None:
    page = preview(client, get_page, bank)
    response = client.post(url("instructor.import_commit"), data=commit_data(page))
    assert response.status_code == 302
    result = get_page(response.headers["Location"])
    assert "Imported into" in result.get_text()
    links = {a.get_text(strip=True): a["href"] for a in result.select("#import-created a")}
    questions = {q.uid: q for q in db.session.scalars(select(Question))}
    assert links == {
        "flow-one": f"/instructor/questions/{questions['flow-one'].id}/edit",
        "flow-two": f"/instructor/questions/{questions['flow-two'].id}/edit",
    }
    assert "2 new drafts" in result.select_one("#import-summary").get_text()
    bank_view = get_page(result.select_one("#bank-batch-link")["href"])
    assert sorted(r["data-uid"] for r in bank_view.select("tr.bank-row")) == [
        "flow-one",
        "flow-two",
    ]
    assert "import #" in bank_view.select_one("#bank-batch").get_text()
    # The filter keeps the batch when other filters are applied from the form.
    assert bank_view.select_one('input[name=batch][form="bank-filter-form"]') is not None


def test_a_reimport_lists_the_changed_questions_as_new_versions(
    db, bank, staff, client, get_page
) -> None:
    first = preview(client, get_page, bank)
    client.post(url("instructor.import_commit"), data=commit_data(first))
    changed = GIFT.replace("Which setting does", "In which setting does")
    page = preview(client, get_page, bank, changed)
    response = client.post(url("instructor.import_commit"), data=commit_data(page))
    result = get_page(response.headers["Location"])
    assert [a.get_text(strip=True) for a in result.select("#import-changed a")] == ["flow-two"]
    assert result.select("#import-created a") == []


def test_result_pages_are_staff_only_and_only_for_imports(
    db, bank, staff, client, get_page, make_user, login
) -> None:
    page = preview(client, get_page, bank)
    location = client.post(url("instructor.import_commit"), data=commit_data(page)).headers[
        "Location"
    ]
    other = db.session.scalar(select(AuditEntry.id).where(AuditEntry.action != "questions.import"))
    assert (
        other is None
        or client.get(url("instructor.import_result", audit_id=other)).status_code == 404
    )
    assert client.get(url("instructor.import_result", audit_id=424242)).status_code == 404
    assert (
        client.get(url("instructor.questions", course="bank-course", batch="424242")).status_code
        == 200
    )
    client.post(url("auth.logout"))
    login(make_user())
    assert client.get(location).status_code == 403
