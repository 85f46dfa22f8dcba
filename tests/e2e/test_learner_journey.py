"""A new learner registers, enrols and completes a quiz-less lesson, in real Chromium."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select

from course.learning.views import bare_citation
from course.models import Enrollment, ModuleProgress, User
from tests.e2e.conftest import LESSONS_ONLY, CourseFacts, LiveServer

if TYPE_CHECKING:
    from playwright.sync_api import Page

FULL_NAME = "Zoë Łukasiewicz-Núñez"
EMAIL = "zoe.lukasiewicz@example.org"


@pytest.fixture(scope="module")
def course_variant() -> str:
    """Serve the lessons without their question banks, so module 1 is read-and-confirm."""
    return LESSONS_ONLY


@pytest.mark.browser
def test_new_learner_reads_module_one_and_marks_it_complete(
    page: Page,
    expect: Callable[..., Any],
    live_server: LiveServer,
    course_facts: CourseFacts,
    register_learner: Callable[..., None],
) -> None:
    assert course_facts.quiz_count == 0
    assert len(course_facts.modules) == 7
    first, second = course_facts.modules[:2]

    register_learner(page, FULL_NAME, EMAIL, profession="NP")
    with live_server.session() as session:
        user = session.scalars(select(User).where(User.email == EMAIL)).one()
        assert user.full_name == unicodedata.normalize("NFC", FULL_NAME)
        assert user.profession == "NP"

    # The catalog lists the course; its title leads to the course page.
    page.get_by_role("link", name=course_facts.title).click()
    expect(page).to_have_url(f"{live_server.url}/courses/{course_facts.slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text(course_facts.title)
    page.get_by_role("button", name="Start the course").click()

    # Enrolling opens module 1: objectives, lesson and its references.
    expect(page).to_have_url(f"{live_server.url}/courses/{course_facts.slug}/modules/{first.slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"1. {first.title}")
    objectives = page.get_by_role("region", name="Learning objectives")
    expect(objectives.get_by_role("listitem")).to_have_text(first.objectives)
    references = page.get_by_role("region", name="References")
    assert first.citations, "module 1 should cite the source article's references"
    expect(references.get_by_role("listitem")).to_have_count(len(first.citations))
    for citation in first.citations:
        # Each identifier (DOI, PMID) appears once, as a link, not again in the citation text.
        expect(references).to_contain_text(bare_citation(citation))
    expect(page.get_by_role("link", name="Take the quiz")).to_have_count(0)

    # Read-and-confirm: the lesson has no quiz, so the learner marks it complete.
    page.get_by_role("button", name="Mark as complete").click()
    expect(page).to_have_url(f"{live_server.url}/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("My learning")
    expect(page.get_by_text("Module 1 complete.")).to_be_visible()
    expect(page.get_by_test_id("module-count")).to_have_text("1 of 7 modules complete")

    # The next module is now open from the course page; the one after stays locked.
    page.get_by_role("link", name=course_facts.title).click()
    expect(page.get_by_role("link", name=f"2. {second.title}")).to_be_visible()
    third = page.locator("li.card").filter(has_text=f"3. {course_facts.modules[2].title}")
    expect(third.get_by_text("Locked", exact=True)).to_be_visible()

    with live_server.session() as session:
        user = session.scalars(select(User).where(User.email == EMAIL)).one()
        assert session.scalars(select(Enrollment).where(Enrollment.user_id == user.id)).one()
        done = session.scalars(
            select(ModuleProgress).where(
                ModuleProgress.user_id == user.id, ModuleProgress.completed_at.is_not(None)
            )
        ).all()
        assert [p.module.slug for p in done] == [first.slug]
