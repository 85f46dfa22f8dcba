"""YAML export/import in the quizzes/ format: round trip, preview, atomic commit, line numbers."""

from __future__ import annotations

import io

import pytest
import yaml
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from course.content.schema import QuizFile
from course.models import AuditEntry, Question, QuestionStatus, QuestionVersion
from tests.bankkit import Bank, build_bank, form_data
from tests.conftest import url

IMPORT = "/instructor/questions/yaml-import?course={}"


@pytest.fixture
def bank(db) -> Bank:
    """The small test course: module alpha holds q-0, q-2 and q-4."""
    return build_bank(6)


def export(client, course: str, module: str) -> str:
    """Download a module's YAML."""
    response = client.get(url("instructor.bank_export", course=course, module=module))
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    return response.get_data(as_text=True)


def upload(client, text: str, course: str = "bank-course") -> BeautifulSoup:
    """Upload a file for a preview and return the page."""
    data = {"upload-yaml_file": (io.BytesIO(text.encode()), "module.yaml")}
    response = client.post(IMPORT.format(course), data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def counts(soup: BeautifulSoup) -> tuple[str, str, str]:
    """The added / changed / unchanged counts of a preview."""
    return tuple(
        soup.select_one(f"#count-{k}").get_text() for k in ("added", "changed", "unchanged")
    )


def problems(soup: BeautifulSoup) -> list[str]:
    """The listed import problems."""
    return [li.get_text(" ", strip=True) for li in soup.select("#import-problems li")]


def versions(db) -> int:
    """How many question versions exist."""
    return db.session.scalar(select(func.count(QuestionVersion.id)))


def test_export_then_import_changes_nothing(db, bank, staff, client) -> None:
    text = export(client, "bank-course", "alpha")
    parsed = QuizFile.model_validate(yaml.safe_load(text))
    assert [q.id for q in parsed.questions] == ["q-0", "q-2", "q-4"]
    assert parsed.quiz.question_count == 2
    soup = upload(client, text)
    assert counts(soup) == ("0 added", "0 changed", "3 unchanged")
    assert "Nothing to import" in soup.select_one("#import-plan").get_text()
    assert not soup.select("#import-plan form")


def test_real_course_module_round_trips(db, course_content, staff, client) -> None:
    module = course_content.modules[0]
    text = export(client, course_content.slug, module.slug)
    soup = upload(client, text, course_content.slug)
    total = len(QuizFile.model_validate(yaml.safe_load(text)).questions)
    assert counts(soup) == ("0 added", "0 changed", f"{total} unchanged")
    assert "settings changed" not in soup.select_one("#import-counts").get_text()


def test_preview_then_one_commit_applies_everything(db, bank, staff, client) -> None:
    data = yaml.safe_load(export(client, "bank-course", "alpha"))
    data["questions"][0]["stem"] = "An updated stem that reflects the newest guidance on ketamine?"
    data["questions"][1]["status"] = "retired"
    new = dict(data["questions"][2], id="alpha-new", status="draft")
    data["questions"].append(new)
    data["quiz"]["pass_score"] = 0.75
    before = versions(db)
    soup = upload(client, yaml.safe_dump(data, sort_keys=False))
    assert counts(soup) == ("1 added", "1 changed", "2 unchanged")
    plan = soup.select_one("#import-plan").get_text(" ", strip=True)
    assert "q-2: published → retired" in plan
    assert "pass_score: 0.5 → 0.75" in plan
    assert versions(db) == before  # a preview writes nothing
    response = client.post(IMPORT.format("bank-course"), data=form_data(soup, "#import-plan form"))
    assert response.status_code == 302
    db.session.expire_all()
    questions = {q.uid: q for q in db.session.scalars(select(Question))}
    assert questions["q-0"].latest_number == 2
    assert questions["q-0"].current.stem.startswith("An updated stem")
    assert questions["q-2"].status == QuestionStatus.RETIRED
    assert questions["q-2"].latest_number == 1
    assert questions["alpha-new"].status == QuestionStatus.DRAFT
    assert questions["alpha-new"].module_id == bank.modules[0].id
    assert bank.quizzes[0].settings["pass_score"] == 0.75
    actions = sorted(e.action for e in db.session.scalars(select(AuditEntry)))
    assert actions == [
        "question.create",
        "question.edit",
        "question.edit",
        "questions.yaml_import",
        "quiz.settings",
    ]


def test_commit_is_refused_when_the_bank_changed_since_the_preview(db, bank, staff, client) -> None:
    data = yaml.safe_load(export(client, "bank-course", "alpha"))
    data["questions"][0]["feedback"] = "Different feedback now."
    soup = upload(client, yaml.safe_dump(data))
    commit = form_data(soup, "#import-plan form")
    question = bank.questions["q-0"]
    question.status = QuestionStatus.DRAFT  # someone else acts in between
    db.session.commit()
    before = versions(db)
    response = client.post(IMPORT.format("bank-course"), data=commit)
    assert "changed since the preview" in " ".join(
        problems(BeautifulSoup(response.data, "html.parser"))
    )
    assert versions(db) == before


def test_commit_is_atomic_when_the_quiz_could_not_be_drawn(db, bank, staff, client) -> None:
    data = yaml.safe_load(export(client, "bank-course", "alpha"))
    data["questions"][0]["stem"] = "A changed stem that would be a new version if it went in?"
    data["quiz"]["question_count"] = 9  # the pool holds 3
    soup = upload(client, yaml.safe_dump(data))
    before = versions(db)
    response = client.post(IMPORT.format("bank-course"), data=form_data(soup, "#import-plan form"))
    assert "could not be drawn" in " ".join(problems(BeautifulSoup(response.data, "html.parser")))
    db.session.expire_all()
    assert versions(db) == before
    assert db.session.get(Question, bank.questions["q-0"].id).latest_number == 1
    assert bank.quizzes[0].settings["question_count"] == 2
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_errors_name_the_line(db, bank, staff, client) -> None:
    text = export(client, "bank-course", "alpha")
    lines = text.splitlines()

    def line_of(needle: str, start: int = 0) -> int:
        return next(i for i, line in enumerate(lines, 1) if i > start and needle in line)

    syntax = problems(upload(client, "module: alpha\nquiz: x: y\nquestions: []\n"))
    assert syntax == ["Line 2: YAML syntax error: mapping values are not allowed here"]
    q2 = line_of("- id: q-2")
    refs = line_of("references:", q2)
    data = lines.copy()
    data[refs] = data[refs].replace("1", "7")  # the first reference number of q-2
    found = problems(upload(client, "\n".join(data)))
    assert found == [f"Line {refs + 1}: q-2: unknown references [7]"]
    data = [
        line
        for i, line in enumerate(lines, 1)
        if not (i > q2 and line.strip().startswith("feedback:"))
    ]
    found = problems(upload(client, "\n".join(data)))
    assert found
    assert all(p.startswith("Line ") for p in found)
    assert any("questions.1" in p and "feedback" in p and p.startswith(f"Line {q2}") for p in found)
    found = problems(upload(client, text.replace("module: alpha", "module: nowhere")))
    assert found == ["Line 1: no module quiz 'nowhere' here"]


def test_upload_must_be_a_yaml_file(db, bank, staff, client) -> None:
    data = {"upload-yaml_file": (io.BytesIO(b"x"), "questions.gift")}
    response = client.post(
        IMPORT.format("bank-course"), data=data, content_type="multipart/form-data"
    )
    assert "YAML files only" in response.get_data(as_text=True)
    data = {"upload-yaml_file": (io.BytesIO(b"\xff\xfe bad"), "questions.yaml")}
    response = client.post(
        IMPORT.format("bank-course"), data=data, content_type="multipart/form-data"
    )
    assert "not UTF-8" in response.get_data(as_text=True)
