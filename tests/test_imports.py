"""GIFT / Aiken import through the web UI: preview, commit, versions, atomicity and export."""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from course.content.gift import parse_gift
from course.instructor.interchange import services as import_services
from course.instructor.interchange.views import SALT
from course.instructor.preview import CommitForm
from course.models import (
    AuditEntry,
    Course,
    Module,
    PublishStatus,
    Question,
    QuestionStatus,
    QuestionVersion,
)
from tests.conftest import SHARED, real_bundle, url

GIFT = """// [id:imp-single]
::Route of use::Which route is described in the article for mental health care?{
=Intravenous infusion#Right: infusions are the first model.
~Inhaled vapour#No inhaled route is described.
~Transdermal patch#No patch is described.
####The article describes infusions and therapy.}

::Pick two::Which two models does the article describe?{
~%50%Infusion only#One of the two.
~%50%Infusion with psychotherapy#The other.
~%-100%Home injections#Not described.
}

::Quick check::Ketamine is thought to build new neural pathways.{T#Wrong: it is.#Right.}

::Essay::Describe the ketamine therapy model in your own words.{}

::Number::How many models are described?{#2}
"""


def count(db, model) -> int:
    """Count the rows of one table."""
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def course(db) -> Course:
    """A small course with two modules and no questions (faster than the real content)."""
    course = Course(slug="bank", title="Bank course", status=PublishStatus.DRAFT)
    for position, slug in enumerate(["basics", "anxiety"], start=1):
        db.session.add(Module(course=course, slug=slug, title=slug.title(), position=position))
    db.session.add(course)
    db.session.commit()
    return course


def preview(client, course, text, expected=200, **fields):
    """Post text to the preview step and return the parsed page."""
    data = {
        "source_text": text,
        "fmt": "gift",
        "course": str(course.id),
        "category_mode": "module",
        "default_module": "0",
    }
    data.update({k: str(v) for k, v in fields.items()})
    response = client.post(url("instructor.import_preview"), data=data)
    assert response.status_code == expected, response.get_data(as_text=True)[:2000]
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    ids = [tag["id"] for tag in page.find_all(id=True)]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert page.title
    assert page.title.get_text(strip=True)
    return page


def token_of(page: BeautifulSoup) -> str:
    """The signed token of the preview's Import button."""
    field = page.find("input", attrs={"name": "token"})
    assert field is not None, "the preview offers no Import button"
    return field["value"]


def test_gift_preview_then_commit_creates_draft_questions(
    client, db, course_content, staff, get_page
) -> None:
    form = get_page("instructor.imports")
    assert form.find("textarea", attrs={"name": "source_text"})
    page = preview(client, course_content, GIFT, default_module=course_content.modules[0].id)
    text = page.get_text(" ", strip=True)
    assert page.find(id="count-new").get_text() == "3 new"
    assert "Line 16: essay" in text
    assert "Line 18: numerical" in text
    assert "Route of use" in text
    assert "imp-single" in text
    assert "every option needs a rationale" not in text.split("Pick two")[0]
    assert "cite at least one reference" in text
    synced = set(db.session.scalars(select(Question.uid)))
    bank = {q.id for source in real_bundle().quizzes for q in source.data.questions}
    assert synced == bank  # a preview writes nothing

    response = client.post(url("instructor.import_commit"), data={"token": token_of(page)})
    assert response.status_code == 302
    questions = {q.uid: q for q in db.session.scalars(select(Question))}
    assert set(questions) - synced == {"imp-single", "pick-two", "quick-check"}
    single = questions["imp-single"]
    assert single.status == QuestionStatus.DRAFT
    assert single.module_id == course_content.modules[0].id
    version = single.current
    assert version.number == 1
    assert version.qtype == "single"
    assert [(o["key"], o["correct"]) for o in version.options] == [
        ("a", True),
        ("b", False),
        ("c", False),
    ]
    assert version.options[0]["rationale"] == "Right: infusions are the first model."
    assert version.feedback == "The article describes infusions and therapy."
    pick = questions["pick-two"].current
    assert pick.qtype == "multiple"
    # +50%, +50%, -100% are exactly the default weights, so none need storing.
    assert [o["weight"] for o in pick.options] == [None, None, None]
    quick = questions["quick-check"].current
    assert [(o["key"], o["correct"], o["rationale"]) for o in quick.options] == [
        ("true", True, "Right."),
        ("false", False, "Wrong: it is."),
    ]
    audit = db.session.scalars(select(AuditEntry)).one()
    assert audit.action == "questions.import"
    assert sorted(audit.details["created"]) == ["imp-single", "pick-two", "quick-check"]
    assert audit.actor_id == staff.id


def test_errors_are_listed_by_line_and_block_the_commit(app, client, db, course, staff) -> None:
    broken = GIFT + "\n::Broken::What is missing here?{\n=An answer\n~Another\n"
    page = preview(client, course, broken, expected=422)
    errors = page.find(id="import-errors").get_text(" ", strip=True)
    assert "Line 20" in errors
    assert "never closed" in errors
    assert page.find("input", attrs={"name": "token"}) is None  # no Import button
    before = count(db, Question)
    with app.test_request_context():
        form = CommitForm(formdata=None)
        form.seal(
            {
                "text": broken,
                "fmt": "gift",
                "course_id": course.id,
                "category_mode": "module",
                "default_module_id": None,
            },
            app.secret_key,
            SALT,
            user_id=staff.id,
        )
    response = client.post(url("instructor.import_commit"), data={"token": form.token.data})
    assert response.status_code == 400
    assert "errors" in response.get_data(as_text=True)
    assert count(db, Question) == before
    assert count(db, AuditEntry) == 0


def test_a_failure_half_way_writes_nothing(client, db, course, staff, monkeypatch) -> None:
    page = preview(client, course, GIFT)
    before = (count(db, Question), count(db, QuestionVersion))
    real = import_services.add_version
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise import_services.ImportProblem("simulated failure on the second question")
        return real(*args, **kwargs)

    monkeypatch.setattr(import_services, "add_version", failing)
    response = client.post(url("instructor.import_commit"), data={"token": token_of(page)})
    assert response.status_code == 400
    assert "simulated failure" in response.get_data(as_text=True)
    assert len(calls) == 2
    assert (count(db, Question), count(db, QuestionVersion)) == before
    assert count(db, AuditEntry) == 0


def test_a_tampered_token_is_refused(client, db, course, staff) -> None:
    page = preview(client, course, GIFT)
    token = token_of(page)
    response = client.post(url("instructor.import_commit"), data={"token": token[:-3] + "abc"})
    assert response.status_code == 400
    assert "altered" in response.get_data(as_text=True)
    assert count(db, AuditEntry) == 0


def test_aiken_conformance_file_imports_two_questions(client, db, course_content, staff) -> None:
    aiken = (SHARED / "conformance/aiken/moodle/questions.aiken.txt").read_bytes()
    data = {
        "source_file": (io.BytesIO(aiken), "questions.aiken.txt"),
        "fmt": "aiken",
        "course": str(course_content.id),
        "category_mode": "module",
        "default_module": "0",
    }
    response = client.post(url("instructor.import_preview"), data=data)
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.find(id="count-new").get_text() == "2 new"
    response = client.post(url("instructor.import_commit"), data={"token": token_of(page)})
    assert response.status_code == 302
    imported = db.session.scalars(select(Question).where(Question.uid.like("aiken-%"))).all()
    assert sorted(q.uid for q in imported) == ["aiken-1", "aiken-2"]
    second = next(q for q in imported if q.uid == "aiken-2").current
    assert second.stem.endswith('includes <html class="cool"> & images:')
    assert [o["correct"] for o in second.options] == [True, False]
    assert all(q.module_id is None and q.status == QuestionStatus.DRAFT for q in imported)


def test_uid_collision_makes_a_new_version_only_when_changed(
    client, db, course_content, staff
) -> None:
    exported = client.get(url("instructor.export_gift", course=course_content.slug))
    block = next(b for b in exported.get_data(as_text=True).split("\n\n") if "[id:dlv-01]" in b)
    same = preview(client, course_content, block)
    assert same.find(id="count-unchanged").get_text() == "1 unchanged"
    assert same.find("input", attrs={"name": "token"}) is None

    changed_text = block.replace("45-year-old woman", "46-year-old woman")
    page = preview(client, course_content, changed_text)
    assert page.find(id="count-changed").get_text() == "1 changed"
    assert "returns it to draft" in page.get_text()
    assert (
        client.post(url("instructor.import_commit"), data={"token": token_of(page)}).status_code
        == 302
    )
    question = db.session.scalars(select(Question).where(Question.uid == "dlv-01")).one()
    assert [v.number for v in question.versions] == [1, 2]
    assert "46-year-old woman" in question.current.stem
    assert question.current.references == question.versions[0].references  # kept from v1
    assert question.status == QuestionStatus.DRAFT
    again = preview(client, course_content, changed_text)
    assert again.find(id="count-unchanged").get_text() == "1 unchanged"


def test_export_round_trip_through_the_ui(client, db, course_content, staff) -> None:
    response = client.get(url("instructor.export_gift", course=course_content.slug))
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    result = parse_gift(text)
    stored = db.session.scalars(select(Question)).all()
    assert result.ok
    assert not result.skipped
    assert sorted(q.id for q in result.questions) == sorted(q.uid for q in stored)
    by_uid = {q.uid: q.current for q in stored}
    for question in result.questions:
        version = by_uid[question.id]
        assert question.stem == version.stem
        assert [o.text for o in question.options] == [o["text"] for o in _tf(version)]
        assert [o.feedback for o in question.options] == [o["rationale"] for o in _tf(version)]
    page = preview(client, course_content, text)
    assert page.find(id="count-unchanged").get_text() == f"{len(stored)} unchanged"

    other = Course(slug="copy", title="Copy", status=PublishStatus.DRAFT)
    db.session.add(other)
    db.session.commit()
    page = preview(client, other, text)
    assert page.find(id="count-new").get_text() == f"{len(stored)} new"
    assert (
        client.post(url("instructor.import_commit"), data={"token": token_of(page)}).status_code
        == 302
    )
    copies = {
        q.uid: q.current
        for q in db.session.scalars(select(Question).where(Question.course_id == other.id))
    }
    keys = ("qtype", "stem", "options", "feedback", "tags")
    for uid, version in by_uid.items():
        assert {k: getattr(copies[uid], k) for k in keys} == {k: getattr(version, k) for k in keys}


def _tf(version: QuestionVersion) -> list[dict]:
    """Options in GIFT order: true/false questions list True first."""
    if version.qtype != "truefalse":
        return version.options
    return sorted(version.options, key=lambda o: o["key"] != "true")


def test_export_of_one_module_and_bad_requests(client, course_content, staff) -> None:
    module = course_content.modules[2]
    response = client.get(
        url("instructor.export_gift", course=course_content.slug, module=module.slug)
    )
    result = parse_gift(response.get_data(as_text=True))
    pool = next(s for s in real_bundle().quizzes if s.data.module == module.slug)
    assert len(result.questions) == len(pool.data.questions)
    assert {q.category for q in result.questions} == {
        f"$course$/top/{course_content.slug}/{module.slug}"
    }
    assert client.get(url("instructor.export_gift")).status_code == 400
    assert client.get(url("instructor.export_gift", course="nope")).status_code == 404
    address = url("instructor.export_gift", course=course_content.slug, module="nope")
    assert client.get(address).status_code == 404


def test_category_maps_to_module_or_tags(client, db, course_content, staff) -> None:
    text = (
        "$CATEGORY: $course$/top/Imported/anxiety\n\n"
        "::Cat one::Is anxiety covered by the article?{T}\n\n"
        "$CATEGORY: $course$/top/Imported/Ketamine for Patients with PTSD\n\n"
        "::Cat two::Is PTSD covered by the article?{T}\n\n"
        "$CATEGORY: $course$/top/Elsewhere\n\n"
        "::Cat three::Is bipolar disorder covered by the article?{T}\n"
    )
    default = course_content.modules[0]
    page = preview(client, course_content, text, default_module=default.id)
    titles = [li.get_text(" ", strip=True) for li in page.select(".import-preview > li")]
    assert "module: Ketamine Therapy for Anxiety" in titles[0]
    assert "module: Ketamine for Patients with PTSD" in titles[1]
    assert f"module: {default.title}" in titles[2]
    page = preview(client, course_content, text, default_module=default.id, category_mode="tags")
    items = [li.get_text(" ", strip=True) for li in page.select(".import-preview > li")]
    assert all(f"module: {default.title}" in item for item in items)
    assert "tags: anxiety" in items[0]
    assert "tags: Elsewhere" in items[2]


def test_bad_input_names_the_field(client, course, staff) -> None:
    page = preview(client, course, "   ", expected=400)
    assert "Upload a file or paste the text" in page.get_text()
    other = preview(client, course, GIFT, expected=400, default_module=999_999)
    assert "Pick a module of the chosen course" in other.get_text()
    latin1 = {
        "source_file": (io.BytesIO("Caf\u00e9?{T}".encode("latin-1")), "q.gift"),
        "fmt": "gift",
        "course": str(course.id),
        "category_mode": "module",
        "default_module": "0",
    }
    response = client.post(url("instructor.import_preview"), data=latin1)
    assert response.status_code == 400
    assert "not UTF-8" in response.get_data(as_text=True)


def test_single_answer_with_two_full_marks_is_an_error(client, course, staff) -> None:
    text = "::Two keys::Which is right?{=One =Two ~Three}\n"
    page = preview(client, course, text, expected=422)
    assert "exactly one correct option" in page.find(id="import-errors").get_text()


def test_the_bank_changing_after_the_preview_is_noticed(client, db, course, staff) -> None:
    first = preview(client, course, GIFT)
    second = preview(client, course, GIFT)
    assert (
        client.post(url("instructor.import_commit"), data={"token": token_of(first)}).status_code
        == 302
    )
    response = client.post(url("instructor.import_commit"), data={"token": token_of(second)})
    assert response.status_code == 409
    assert "changed since your preview" in response.get_data(as_text=True)
    assert count(db, AuditEntry) == 1


def test_learners_cannot_import(client, db, course, make_user, login) -> None:
    login(make_user())  # the 403 on the import page itself is the role matrix's
    response = client.post(url("instructor.import_preview"), data={"source_text": GIFT})
    assert response.status_code == 403
    assert count(db, AuditEntry) == 0


def test_ids_are_slugged_and_repeated_ids_fall_back(client, db, course, staff) -> None:
    text = (
        "// [id:Q_7 Alpha]\n::One::First question text here?{T}\n\n"
        "// [id:dup]\n::Two::Second question text here?{T}\n\n"
        "// [id:dup]\n::Two::Third question text here?{F}\n\n"
        "Untitled question text here?{T}\n"
    )
    page = preview(client, course, text)
    items = [li.get_text(" ", strip=True) for li in page.select(".import-preview > li")]
    assert "uid q-7-alpha" in items[0]
    assert "[id:Q_7 Alpha] is stored as q-7-alpha" in items[0]
    assert "uid two " in items[1]
    assert "uid two-2" in items[2]
    assert "[id:dup] was not used: empty or repeated" in items[2]
    assert "uid gift-4" in items[3]
