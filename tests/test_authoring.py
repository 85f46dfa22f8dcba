"""Drafting a course from an article, the module editor, and publishing modules and courses."""

from __future__ import annotations

import io

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from course.learning.services import enroll, record_view
from course.models import AuditEntry, Course, Module, ModuleProgress, PublishStatus
from tests.conftest import SHARED, url

ARTICLE = SHARED / "source" / "who-can-benefit-from-ketamine-therapy.txt"
OBJECTIVES = "Identify who may benefit\nExplain how ketamine is thought to work"


def soup(response) -> BeautifulSoup:
    """Parse a response body."""
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def catalog(client) -> list[str]:
    """The course titles listed in the public catalog."""
    return [
        h.get_text(strip=True)
        for h in soup(client.get(url("learning.catalog"))).select("article h2")
    ]


def listed_modules(client, slug: str) -> list[str]:
    """The module headings a signed-in user sees on a course page."""
    return [
        h.get_text(" ", strip=True)
        for h in soup(client.get(url("learning.course_page", course_slug=slug))).select("ol h3")
    ]


def article_preview(client, expected: int = 200, **data: object) -> BeautifulSoup:
    """Upload the real source article and return the preview page."""
    form = {"source_file": (io.BytesIO(ARTICLE.read_bytes()), ARTICLE.name), "fmt": "auto"}
    form.update(data)
    response = client.post(url("instructor.article_preview"), data=form)
    assert response.status_code == expected, response.get_data(as_text=True)[:1000]
    return soup(response)


def create_new(client, page: BeautifulSoup, title: str = "Ketamine draft", slug: str = "k-draft"):
    """Submit the preview's create form for a new course."""
    token = page.find("input", attrs={"name": "token"})["value"]
    data = {"token": token, "target": "new", "title": title, "slug": slug, "course": "0"}
    return client.post(url("instructor.article_create"), data=data)


def test_article_preview_lists_sections_references_and_furniture(
    client, db, staff, get_page
) -> None:
    get_page("instructor.articles")
    page = article_preview(client)
    assert page.find(id="section-count").get_text() == "7 sections"
    assert page.find(id="reference-count").get_text() == "22 references"
    assert len(page.select("#draft-modules tbody tr")) == 7
    assert len(page.select("#article-references li")) == 22
    skipped = page.find(id="article-skipped").get_text()
    assert "byline" in skipped
    assert "newsletter" in skipped
    first_row = page.select("#draft-modules tbody tr")[0].get_text(" ", strip=True)
    assert "Introduction" in first_row
    assert "[1] [2]" in first_row
    assert (
        page.find("input", attrs={"name": "slug"})["value"]
        == "who-can-benefit-from-ketamine-therapy"
    )
    assert db.session.scalar(select(func.count(Course.id))) == 0


def test_create_new_course_makes_seven_draft_modules_hidden_until_published(
    client, db, staff, make_user, login
) -> None:
    response = create_new(client, article_preview(client))
    assert response.status_code == 302
    course = db.session.scalars(select(Course).where(Course.slug == "k-draft")).one()
    assert course.status == PublishStatus.DRAFT
    assert len(course.references) == 22
    assert course.references[21]["number"] == 22
    assert [m.position for m in course.modules] == list(range(1, 8))
    assert all(m.status == PublishStatus.DRAFT for m in course.modules)
    first = course.modules[0]
    assert first.body_md.startswith("> Draft imported from Who Can Benefit From Ketamine Therapy?")
    assert first.references == [1, 2]
    assert "cite-link" in first.body_html
    audit = db.session.scalars(select(AuditEntry)).one()
    assert audit.action == "article.import"
    assert len(audit.details["modules"]) == 7
    assert "Ketamine draft" not in catalog(client)

    # Publishing the course is refused while every module is a draft.
    client.post(url("instructor.course_publish", course_slug="k-draft"))
    assert db.session.get(Course, course.id).status == PublishStatus.DRAFT
    # A module cannot be published before it has objectives.
    client.post(url("instructor.module_publish", module_id=first.id))
    assert db.session.get(Module, first.id).status == PublishStatus.DRAFT

    edit = {"title": first.title, "slug": first.slug, "objectives": OBJECTIVES, "minutes": "5"}
    response = client.post(
        url("instructor.module_edit", module_id=first.id),
        data={**edit, "body": first.body_md, "save": "1"},
    )
    assert response.status_code == 302
    assert client.post(url("instructor.module_publish", module_id=first.id)).status_code == 302
    assert client.post(url("instructor.course_publish", course_slug="k-draft")).status_code == 302
    assert db.session.get(Course, course.id).status == PublishStatus.PUBLISHED
    assert "Ketamine draft" in catalog(client)

    login(make_user())  # a learner sees the published module only
    assert listed_modules(client, "k-draft") == [f"1. {first.title}"]


def test_create_refuses_a_taken_slug_and_a_forged_token(client, db, staff, course_content) -> None:
    page = article_preview(client)
    response = create_new(client, page, slug=course_content.slug)
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)
    response = create_new(client, page, slug="Not A Slug")
    assert response.status_code == 400
    forged = client.post(
        url("instructor.article_create"),
        data={"token": "forged", "target": "new", "title": "X course", "slug": "x-course"},
    )
    assert forged.status_code == 400
    assert db.session.scalar(select(func.count(Course.id))) == 1


def test_append_to_existing_course_keeps_its_references_and_warns(
    client, db, staff, course_content
) -> None:
    page = article_preview(client)
    token = page.find("input", attrs={"name": "token"})["value"]
    refs_before = list(course_content.references)
    response = client.post(
        url("instructor.article_create"),
        data={"token": token, "target": "existing", "course": str(course_content.id)},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "citation numbers in the new modules refer to the article" in response.get_data(
        as_text=True
    )
    course = db.session.get(Course, course_content.id)
    assert [m.position for m in course.modules] == list(range(1, 15))
    assert all(m.status == PublishStatus.DRAFT for m in course.modules[7:])
    assert course.references == refs_before


def test_article_without_headings_is_reported_with_its_line(client, staff) -> None:
    response = client.post(
        url("instructor.article_preview"),
        data={"source_text": "just one plain sentence, nothing more.", "fmt": "text"},
    )
    assert response.status_code == 400
    assert "Line 1: no section headings" in response.get_data(as_text=True)


def test_module_editor_validates_slug_and_citations(client, db, staff, course_content) -> None:
    module, other = course_content.modules[0], course_content.modules[1]
    base = {
        "title": module.title,
        "slug": other.slug,
        "objectives": "\n".join(module.objectives),
        "minutes": str(module.minutes),
        "body": "Evidence is thin [99].\n\nSee also [1].",
        "save": "1",
    }
    response = client.post(url("instructor.module_edit", module_id=module.id), data=base)
    assert response.status_code == 400
    text = soup(response).get_text(" ", strip=True)
    assert f"Another module of this course already uses '{other.slug}'" in text
    assert "line 1: [99]" in text
    assert "[1]" not in text.split("Citations not in")[1].split(".")[0]
    one = {**base, "slug": module.slug, "objectives": "Only one"}
    response = client.post(url("instructor.module_edit", module_id=module.id), data=one)
    assert "Write 2 to 4 objectives" in response.get_data(as_text=True)
    assert db.session.get(Module, module.id).slug == module.slug


def test_preview_sanitizes_and_does_not_save(client, db, staff, course_content, get_page) -> None:
    module = course_content.modules[0]
    get_page("instructor.module_edit", module_id=module.id)
    before = module.body_md
    data = {
        "title": module.title,
        "slug": module.slug,
        "objectives": "\n".join(module.objectives),
        "minutes": str(module.minutes),
        "body": "# Heading\n\n<script>alert('x')</script>\n\n[link](javascript:alert(1)) [1]",
        "preview": "1",
    }
    response = client.post(url("instructor.module_edit", module_id=module.id), data=data)
    assert response.status_code == 200
    preview = soup(response).find(id="body-preview")
    assert preview.find("script") is None
    assert "<script>alert('x')</script>" in preview.get_text()
    assert not preview.select('a[href^="javascript"]')
    assert preview.select("sup.cite a.cite-link")
    assert db.session.get(Module, module.id).body_md == before


def test_saving_rerenders_and_keeps_learner_progress(
    client, db, staff, course_content, make_user
) -> None:
    learner = make_user()
    module = course_content.modules[0]
    enroll(learner.id, course_content)
    record_view(learner.id, module)
    db.session.commit()
    data = {
        "title": "Delivery and mechanism, revised",
        "slug": "delivery-revised",
        "objectives": OBJECTIVES,
        "minutes": "12",
        "body": "Revised **text** [1].",
        "save": "1",
    }
    assert (
        client.post(url("instructor.module_edit", module_id=module.id), data=data).status_code
        == 302
    )
    saved = db.session.get(Module, module.id)
    assert saved.body_html.startswith("<p>Revised <strong>text</strong>")
    assert saved.references == [1]
    assert saved.minutes == 12
    assert saved.objectives == OBJECTIVES.splitlines()
    progress = db.session.scalars(select(ModuleProgress)).one()
    assert progress.module_id == module.id
    assert progress.user_id == learner.id
    assert db.session.scalars(select(AuditEntry.action)).all() == ["module.edit"]


def test_unpublish_hides_a_module_from_learners(
    client, db, staff, course_content, get_page, make_user, login
) -> None:
    module = course_content.modules[1]
    listing = get_page("instructor.modules", course=course_content.slug)
    assert len(listing.select("#module-list tbody tr")) == 7
    assert client.post(url("instructor.module_unpublish", module_id=module.id)).status_code == 302
    assert db.session.get(Module, module.id).status == PublishStatus.DRAFT
    login(make_user())
    listed = listed_modules(client, course_content.slug)
    assert len(listed) == 6
    assert f"2. {module.title}" not in listed


def test_modules_page_and_unknown_objects(client, staff, get_page) -> None:
    page = get_page("instructor.modules")
    assert "There are no courses yet" in page.get_text()
    get_page("instructor.modules", course="nope", expected=404)
    get_page("instructor.module_edit", module_id=9999, expected=404)
    assert client.post(url("instructor.course_publish", course_slug="nope")).status_code == 404
