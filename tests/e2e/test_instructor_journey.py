"""An instructor imports GIFT questions, edits one into version 2, then opens item analysis."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select

from course.auth.services import create_user
from course.models import Question, QuestionStatus, Role
from tests.e2e.conftest import PASSWORD, CourseFacts, LiveServer

if TYPE_CHECKING:
    from playwright.sync_api import Page

EMAIL = "ines.instructor@example.org"
GIFT = """// [id:journey-route]
::Route of care::Which model pairs ketamine with psychotherapy?{
=Ketamine-assisted therapy#Right: therapists integrate psychotherapy.
~Infusion only#Infusion-only care has no psychotherapy.
~Pain-center nerve block#Not a model the article describes.
####Two models: infusion only, and ketamine-assisted psychotherapy.
}

::Journey true false::Ketamine is thought to form new neural pathways.{T#It is.#Right.}

::Journey essay::Explain the therapy model in your own words.{}
"""


@pytest.mark.browser
def test_instructor_imports_edits_a_question_and_opens_item_analysis(
    page: Page, expect: Callable[..., Any], live_server: LiveServer, course_facts: CourseFacts
) -> None:
    with live_server.session() as session:
        create_user(
            email=EMAIL, password=PASSWORD, full_name="Inès Instructor", role=Role.INSTRUCTOR
        )
        session.commit()
    first = course_facts.modules[0]

    page.goto("/auth/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda u: "/auth/login" not in u)  # literal URL: the sign-in landed

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="Import questions")).to_be_visible()
    page.get_by_label("paste the text").fill(GIFT)
    page.get_by_label("Import into course").select_option(label=f"{course_facts.title} (published)")
    page.get_by_label("Default module").select_option(label=f"{first.position}. {first.title}")
    page.get_by_role("button", name="Preview the import").click()

    expect(page.get_by_role("heading", name="Import preview")).to_be_visible()
    expect(page.locator("#count-new")).to_have_text("2 new")
    expect(page.locator("#import-skipped")).to_contain_text("Line 11: essay")
    expect(page.locator(".import-preview > li").first).to_contain_text("Route of care")
    expect(page.locator(".import-preview > li").first).to_contain_text(f"module: {first.title}")
    page.get_by_role("button", name="Import 2 as drafts").click()

    expect(page.get_by_role("alert")).to_contain_text("2 new, 0 new versions, 0 unchanged")
    with live_server.session() as session:
        uids = {"journey-route", "journey-true-false"}
        imported = session.scalars(select(Question).where(Question.uid.in_(uids))).all()
        assert {q.uid for q in imported} == uids
        assert all(q.status == QuestionStatus.DRAFT for q in imported)
        assert all(q.module is not None and q.module.slug == first.slug for q in imported)

    # The question bank editor turns a real change into version 2 (imports lack tags/references).
    nav.get_by_role("link", name="Question bank").click()
    page.get_by_label("Status").select_option("draft")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="journey-route", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit journey-route")
    page.get_by_label("Stem (Markdown)").fill(
        "Which model of care pairs ketamine with psychotherapy, according to the article?"
    )
    page.get_by_role("group", name="Tags").get_by_label("delivery").check()
    page.get_by_label("References").fill("1")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_role("alert")).to_contain_text("Saved as version 2.")
    with live_server.session() as session:
        edited = session.scalars(select(Question).where(Question.uid == "journey-route")).one()
        assert [v.number for v in edited.versions] == [1, 2]
        assert edited.versions[0].stem.startswith("Which model pairs ketamine")
        assert edited.current.references == [1]

    nav.get_by_role("link", name="Cohort").click()
    page.get_by_role("link", name="M1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Item analysis")
