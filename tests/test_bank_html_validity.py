"""The question-bank and import pages changed for #16 are valid HTML (Nu HTML Checker):
search and grouped list, tag checkboxes, draft versions, word diff, GIFT Back/tags/result,
and the YAML import and regrade pages that now carry the one preview token."""

from __future__ import annotations

import io

import yaml
from bs4 import BeautifulSoup

from tests.bankkit import build_bank, form_data, make_attempt, new_version
from tests.conftest import url
from tests.test_html_validity import vnu_or_skip
from tests.vnukit import nu_errors

GIFT = """// [id:valid-one] [tag:from-moodle]
::Valid one::Which route is described in the article for mental health care?{
=Intravenous infusion#Right: infusions are the first model.
~Inhaled vapour#No inhaled route is described.
}
"""


def test_bank_and_import_pages_are_valid_html(db, staff, client, get_page, make_user, tmp_path):
    command = vnu_or_skip()
    bank = build_bank(4)
    question = bank.questions["q-0"]
    make_attempt(make_user(), bank.quizzes[0], [(question.current, ["b"])])
    new_version(question, stem="Which <plan> best fits the adult patient in case q-0 today?")
    db.session.commit()
    edit = url("instructor.question_edit", question_id=question.id)
    data = form_data(get_page(edit), "form.bank-editor")
    data.update({"stem": ["Which plan fits the adult patient in case q-0 now?"], "action": "save"})
    client.post(edit, data=data)  # published: a draft version waits
    pages: dict[str, str] = {}
    for path in (
        "/instructor/questions?course=bank-course&q=plan+case",
        "/instructor/questions?course=bank-course&q=nothing-matches",
        "/instructor/questions/new?course=bank-course&module=alpha",
        edit,
        f"/instructor/questions/{question.id}/history",
        f"/instructor/questions/{question.id}/regrade",
    ):
        pages[path] = client.get(path).get_data(as_text=True)
    form = form_data(get_page("instructor.imports"), 'form[action="/instructor/import/preview"]')
    form.update(
        {
            "source_text": [GIFT],
            "course": [str(bank.course.id)],
            "default_module": [str(bank.modules[1].id)],  # beta: the YAML export is alpha
        }
    )
    preview = client.post(url("instructor.import_preview"), data=form).get_data(as_text=True)
    pages["gift preview"] = preview
    soup = BeautifulSoup(preview, "html.parser")
    pages["gift back"] = client.post(
        url("instructor.import_back"), data=form_data(soup, "form#import-back")
    ).get_data(as_text=True)
    commit = form_data(soup, "form#import-commit")
    done = client.post(url("instructor.import_commit"), data={**commit, "tags-valid-one": "safety"})
    pages["gift result"] = client.get(done.headers["Location"]).get_data(as_text=True)
    batch = done.headers["Location"].rsplit("/", 1)[-1]
    pages["bank batch"] = client.get(
        url("instructor.questions", course="bank-course", batch=batch)
    ).get_data(as_text=True)
    export = client.get(url("instructor.bank_export", course="bank-course", module="alpha"))
    data = yaml.safe_load(export.get_data(as_text=True))
    data["questions"][1]["stem"] = "A stem changed in the file so that the preview has a plan?"
    upload = {
        "csrf_token": form_data(get_page("instructor.imports"), "form")["csrf_token"],
        "upload-yaml_file": (io.BytesIO(yaml.safe_dump(data).encode()), "alpha.yaml"),
    }
    pages["yaml preview"] = client.post(
        url("instructor.bank_import", course="bank-course"),
        data=upload,
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "import-plan" in pages["yaml preview"], (
        BeautifulSoup(pages["yaml preview"], "html.parser")
        .select_one("main")
        .get_text(" ", strip=True)[:800]
    )
    assert "bank-worddiff" in pages[f"/instructor/questions/{question.id}/history"]
    assert "import-tags" in pages["gift preview"]
    assert "import-created" in pages["gift result"]
    errors = nu_errors(command, pages, tmp_path)
    assert not errors, "\n".join(errors)
