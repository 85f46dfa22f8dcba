"""An instructor's question-bank journey at desktop and phone sizes, with axe on every page:
GIFT import (Back keeps the text, tags ticked in the preview, links to the new drafts), stem
search, tag checkboxes, editing a published question into a draft version, the word diff, and
publishing the draft. Screenshots of each step land in tests/e2e/artifacts/."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select

from course.auth.services import create_user
from course.models import Module, Question, QuestionStatus, Role
from tests.e2e.conftest import ARTIFACTS, PASSWORD, TIMEOUT_MS, CourseFacts, LiveServer
from tests.e2e.test_accessibility import audit, axe_source  # noqa: F401 (a fixture)
from tests.e2e.test_mobile_journey import WIDEST

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

SIZES = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 390, "height": 844}}
GIFT = """// [id:{size}-route] [tag:evidence]
::Route {size}::Which zebrafinch model pairs ketamine with psychotherapy?{{
=Ketamine-assisted therapy#Right: therapists integrate psychotherapy.
~Infusion only#Infusion-only care has no psychotherapy.
~Pain-center nerve block#Not a model the article describes.
####Two models: infusion only, and ketamine-assisted psychotherapy.
}}

// [id:{size}-setting]
::Setting {size}::Where does the article place the infusions?{{
=A supervised clinic#Right: always supervised.
~At home alone#Never unsupervised.
}}
"""
NEW_STEM = "Which zebrafinch model pairs ketamine with talking therapy, as the article describes?"


class Journey:
    """One browser page at one size: screenshots, the phone-width check and axe at each step."""

    def __init__(self, page: Page, size: str, axe: str) -> None:
        self.page, self.size, self.axe = page, size, axe
        self.problems: dict[str, list[str]] = {}

    def step(self, name: str) -> None:
        """Screenshot the page, then check it fits the viewport and passes axe."""
        page = self.page
        page.wait_for_load_state("load")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"bank-{self.size}-{name}.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        viewport = SIZES[self.size]["width"]
        wide = page.evaluate(WIDEST) if width > viewport else []
        assert width <= viewport, f"{name}: page is {width}px wide: {wide}"
        found = audit(page, self.axe)
        if found:
            self.problems[name] = found


@pytest.fixture
def journey_page(
    browser: Browser,
    live_server: LiveServer,
    request: pytest.FixtureRequest,
    axe_source: str,  # noqa: F811
) -> Iterator[Page]:
    """A page at the parametrised size; the audit needs the CSP bypassed to inject axe."""
    size = request.node.callspec.params["size"]
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport=SIZES[size], bypass_csp=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(script=axe_source)  # sent once, not once per audited step
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    try:
        yield tab
    finally:
        context.close()
    assert not errors, errors


@pytest.mark.browser
@pytest.mark.parametrize("size", list(SIZES))
def test_bank_journey_import_search_tags_draft_version_diff_publish(
    size: str,
    journey_page: Page,
    expect: Callable[..., Any],
    live_server: LiveServer,
    course_facts: CourseFacts,
    axe_source: str,  # noqa: F811
) -> None:
    page = journey_page
    walk = Journey(page, size, axe_source)
    email = f"bank-{size}@example.org"
    with live_server.session() as session:
        create_user(email=email, password=PASSWORD, full_name=f"Bea {size}", role=Role.INSTRUCTOR)
        session.commit()
    first = course_facts.modules[0]
    gift = GIFT.format(size=size)

    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda u: "/auth/login" not in u)  # literal URL: the sign-in landed

    # GIFT import: preview, Back keeps the text, preview again.
    page.goto("/instructor/import")
    page.get_by_label("paste the text").fill(gift)
    page.get_by_label("Import into course").select_option(label=f"{course_facts.title} (published)")
    page.get_by_label("Default module").select_option(label=f"{first.position}. {first.title}")
    page.get_by_role("button", name="Preview the import").click()
    expect(page.locator("#count-new")).to_have_text("2 new")
    walk.step("1-import-preview")
    page.get_by_role("button", name="Back: edit the text").click()
    expect(page.get_by_role("heading", name="Import questions")).to_be_visible()
    expect(page.get_by_label("paste the text")).to_have_value(gift)
    expect(page.get_by_label("Default module")).to_have_value(str(first_module_id(live_server)))
    walk.step("2-import-back")
    page.get_by_role("button", name="Preview the import").click()

    # Tags are ticked per question in the preview, then applied by the import.
    route_tags = page.get_by_role("group", name=f"Tags for {size}-route")
    expect(route_tags.get_by_label("evidence")).to_be_checked()
    route_tags.get_by_label("safety").check()
    page.get_by_role("group", name=f"Tags for {size}-setting").get_by_label("delivery").check()
    page.get_by_role("button", name="Import 2 as drafts").click()
    expect(page.get_by_role("alert")).to_contain_text("2 new, 0 new versions, 0 unchanged")
    expect(page.locator("#import-created a")).to_have_text([f"{size}-route", f"{size}-setting"])
    walk.step("3-import-result")
    with live_server.session() as session:
        tags = {q.uid: q.current.tags for q in session.scalars(select(Question))}
    assert tags[f"{size}-route"] == ["safety", "evidence"]  # in the vocabulary's order
    assert tags[f"{size}-setting"] == ["delivery"]
    page.get_by_role("link", name="Open these 2 in the question bank").click()
    expect(page.locator("tr.bank-row")).to_have_count(2)
    walk.step("4-bank-batch")

    # Stem search finds the new question among the whole bank.
    page.get_by_role("link", name="Show the whole bank").click()
    page.get_by_label("Search ids and stems").fill("zebrafinch nowhere")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("tr.bank-row")).to_have_count(0)  # every word must be in id or stem
    page.get_by_label("Search ids and stems").fill("zebrafinch psychotherapy")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(f'tr.bank-row[data-uid="{size}-route"]')).to_be_visible()
    expect(page.locator(".bank-group-heading").first).to_contain_text(first.title)
    walk.step("5-bank-search")

    # The draft gets its references and a tag through the checkboxes, then is published.
    page.get_by_role("link", name=f"{size}-route", exact=True).click()
    page.get_by_role("group", name="Tags").get_by_label("mechanism").check()
    page.get_by_label("References").fill("1")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_role("alert")).to_contain_text("Saved as version 2.")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("is now published (version 2 is live)")

    # Editing the published question saves a draft version; learners keep version 2.
    page.get_by_label("Stem (Markdown)").fill(NEW_STEM)
    page.get_by_role("button", name="Save as a draft version").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "Saved as draft version 3. Learners keep getting version 2"
    )
    expect(page.locator("#pending-draft")).to_contain_text("draft version 3")
    walk.step("6-editor-draft-version")
    with live_server.session() as session:
        question = session.scalars(select(Question).where(Question.uid == f"{size}-route")).one()
        assert (question.status, question.live_number, question.latest_number) == (
            QuestionStatus.PUBLISHED,
            2,
            3,
        )

    # The history shows a side-by-side word diff, and publishes the draft version.
    page.get_by_role("link", name="See what changed").click()
    diff = page.locator("#version-3 table.bank-worddiff")
    expect(diff.get_by_role("columnheader")).to_have_text(
        ["Version 2 (before)", "Version 3 (after)"]
    )
    expect(diff.locator("ins").first).to_contain_text("talking")
    expect(diff.locator("del").first).to_contain_text("psychotherapy")
    walk.step("7-history-word-diff")
    page.get_by_role("button", name="Publish version 3").click()
    expect(page.get_by_role("alert")).to_contain_text("version 3 is live")
    with live_server.session() as session:
        question = session.scalars(select(Question).where(Question.uid == f"{size}-route")).one()
        assert question.live.number == 3
    assert not walk.problems, walk.problems


def first_module_id(live_server: LiveServer) -> int:
    """The id of the course's first module (the default module chosen above)."""
    with live_server.session() as session:
        return session.scalars(select(Module.id).where(Module.position == 1)).one()
