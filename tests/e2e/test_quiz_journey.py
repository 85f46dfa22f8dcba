"""A learner fails module 1's quiz, retries, passes and unlocks module 2, in real Chromium.

The take page only carries opaque option tokens, so the test looks the answer key up on the
server (the live server's database) and clicks option labels by their text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from course.content.render import render_inline
from course.models import Attempt, User
from course.quiz.submit import option_token

if TYPE_CHECKING:
    from playwright.sync_api import Dialog, Locator, Page

    from tests.e2e.conftest import CourseFacts, LiveServer

EMAIL = "quiz.learner@example.org"
ATTEMPT_URL = re.compile(r"/quiz/attempt/(\d+)$")


@dataclass(frozen=True)
class OptionKey:
    """One option of a drawn question, as the server knows it."""

    key: str
    token: str
    text: str
    correct: bool
    rationale: str


@dataclass(frozen=True)
class ItemKey:
    """One drawn question: its position, input type and options."""

    position: int
    multiple: bool
    options: list[OptionKey]

    def wrong_choice(self) -> list[OptionKey]:
        """One incorrect option: scores zero for every question type."""
        return [next(o for o in self.options if not o.correct)]

    def right_choice(self) -> list[OptionKey]:
        """Every correct option (one for single-answer and true/false questions)."""
        return [o for o in self.options if o.correct]


def _plain(markdown: str) -> str:
    """The text a browser shows for an inline-Markdown string."""
    text = BeautifulSoup(render_inline(markdown), "html.parser").get_text()
    return " ".join(text.split())


def answer_key(live_server: LiveServer, attempt_id: int) -> list[ItemKey]:
    """Read an attempt's frozen questions and their key from the database."""
    with live_server.session() as session:
        attempt = session.get(Attempt, attempt_id)
        assert attempt is not None
        assert attempt.is_open
        items = []
        for item in attempt.items:
            version = item.version
            options = []
            for key in item.option_order:
                option = version.option(key)
                assert option is not None
                options.append(
                    OptionKey(
                        key,
                        option_token(attempt, item, key),
                        _plain(option["text"]),
                        bool(option.get("correct")),
                        _plain(option["rationale"]),
                    )
                )
            items.append(ItemKey(item.position, version.qtype == "multiple", options))
        return items


def attempt_result(live_server: LiveServer, attempt_id: int) -> tuple[float | None, bool | None]:
    """The stored score and pass flag of an attempt."""
    with live_server.session() as session:
        attempt = session.get(Attempt, attempt_id)
        assert attempt is not None
        return attempt.score, attempt.passed


def current_attempt_id(page: Page) -> int:
    """The attempt id in the take page's URL."""
    match = ATTEMPT_URL.search(page.url)
    assert match, page.url
    return int(match.group(1))


def assert_take_page_hides_the_key(html: str, items: list[ItemKey]) -> None:
    """The answer form carries tokens and texts only: no key, no rationale, no stable ids."""
    lowered = html.lower()
    assert "correct" not in lowered
    assert "rationale" not in lowered
    soup = BeautifulSoup(html, "html.parser")
    # Element ids and label targets (not the random CSRF token) must not name option keys.
    names = [tag.get(a) for a in ("id", "for") for tag in soup.find_all(attrs={a: True})]
    for item in items:
        for option in item.options:
            assert f'value="{option.token}"' in html
            assert f'value="{option.key}"' not in html
            assert not [n for n in names if n.endswith(f"-{option.key}")]
            assert option.rationale not in html


def choose(page: Page, expect: Callable[..., Any], item: ItemKey, picks: list[OptionKey]) -> None:
    """Click the labels of the picked options inside one question's fieldset."""
    fieldset = page.locator("fieldset").filter(
        has=page.locator("legend", has_text=f"Question {item.position} of ")
    )
    for option in picks:
        exact_text = re.compile(rf"^\s*{re.escape(option.text)}\s*$")
        fieldset.locator("label").filter(has_text=exact_text).click()
        choice = fieldset.get_by_label(option.text, exact=True)
        expect(choice).to_be_checked()
        expect(choice).to_have_attribute("value", option.token)
        expect(choice).to_have_attribute("type", "checkbox" if item.multiple else "radio")


def submit(page: Page, expect: Callable[..., Any], dialogs: list[str]) -> None:
    """Submit the answers, confirming the browser's dialog."""
    seen = len(dialogs)
    page.get_by_role("button", name="Submit answers").click()
    expect(page).to_have_url(re.compile(r"/quiz/attempt/\d+/review$"))
    assert len(dialogs) == seen + 1
    assert dialogs[-1].startswith("Submit your answers for grading?")


def correct_answer_badges(page: Page) -> Locator:
    """Locate the review page's 'Correct answer' badges."""
    return page.locator(".badge").filter(has_text=re.compile(r"^\s*Correct answer\s*$"))


@pytest.mark.browser
def test_learner_fails_then_passes_module_one_quiz(
    page: Page,
    expect: Callable[..., Any],
    live_server: LiveServer,
    course_facts: CourseFacts,
    register_learner: Callable[..., None],
) -> None:
    assert course_facts.quiz_count > 0
    first, second = course_facts.modules[:2]
    dialogs: list[str] = []

    def accept(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)

    register_learner(page, "Zoë Łukasiewicz-Núñez", EMAIL)
    page.get_by_role("link", name=course_facts.title).click()
    page.get_by_role("button", name="Start the course").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"1. {first.title}")
    expect(page.get_by_role("button", name="Mark as complete")).to_have_count(0)

    # The overview states the pass mark before anything starts.
    page.get_by_test_id("lesson-end").get_by_role("link", name="Take the quiz").click()
    expect(page.get_by_text("Pass mark: 80%")).to_be_visible()
    with live_server.session() as session:
        user_id = session.scalars(select(User.id).where(User.email == EMAIL)).one()
        assert not session.scalars(select(Attempt).where(Attempt.user_id == user_id)).all()
    page.get_by_role("button", name="Start the quiz").click()

    # Attempt 1: the page hides the key; the learner picks a wrong option everywhere.
    expect(page).to_have_url(ATTEMPT_URL)
    first_id = current_attempt_id(page)
    items = answer_key(live_server, first_id)
    assert len(items) == 5
    assert_take_page_hides_the_key(page.content(), items)
    *answered, last = items
    for item in answered:
        choose(page, expect, item, item.wrong_choice())
    # Submitting with a question unanswered: no generic dialog, the page names it and links to it.
    seen = len(dialogs)
    page.get_by_role("button", name="Submit answers").click()
    warning = page.get_by_test_id("unanswered")
    expect(warning).to_contain_text("1 question not answered yet")
    assert len(dialogs) == seen
    warning.get_by_role("link", name=f"question {last.position}").click()
    expect(page).to_have_url(re.compile(f"#question-{last.position}$"))
    choose(page, expect, last, last.wrong_choice())
    page.get_by_role("button", name="Submit anyway").click()
    expect(page).to_have_url(re.compile(r"/quiz/attempt/\d+/review$"))
    assert len(dialogs) == seen + 1

    status = page.get_by_role("status")
    expect(status).to_contain_text("Not passed")
    expect(status).to_contain_text("you scored 0%")
    assert attempt_result(live_server, first_id) == (0.0, False)
    for item in items:
        review = page.get_by_role("region", name=f"Question {item.position}", exact=True)
        expect(review.locator(".badge").filter(has_text="Incorrect")).to_have_count(1)
        chosen = item.wrong_choice()[0]
        expect(review).to_contain_text(chosen.rationale)
        for other in item.options:
            if other is not chosen:
                expect(review).not_to_contain_text(other.rationale)
    expect(correct_answer_badges(page)).to_have_count(0)

    # Attempt 2 from the overview: every answer right.
    page.get_by_role("link", name="Quiz overview").click()
    expect(page.get_by_role("table")).to_contain_text("Not passed")
    page.get_by_role("button", name="Try again").click()
    expect(page).to_have_url(ATTEMPT_URL)
    second_id = current_attempt_id(page)
    assert second_id != first_id
    # The question navigator: every question listed; a flag marks one for review.
    navigator = page.get_by_role("navigation", name="Questions")
    expect(navigator.get_by_role("link")).to_have_count(5)
    flag = page.get_by_role("button", name="Flag question 2 for review")
    flag.click()
    expect(flag).to_have_attribute("aria-pressed", "true")
    expect(
        navigator.get_by_role("link", name=re.compile(r"^2 .*flagged for review"))
    ).to_have_count(1)
    items = answer_key(live_server, second_id)
    assert_take_page_hides_the_key(page.content(), items)
    for item in items:
        choose(page, expect, item, item.right_choice())
    submit(page, expect, dialogs)

    expect(page.get_by_role("status")).to_contain_text("Passed")
    expect(page.get_by_role("status")).to_contain_text("you scored 100%")
    assert attempt_result(live_server, second_id) == (1.0, True)
    for item in items:
        review = page.get_by_role("region", name=f"Question {item.position}", exact=True)
        expect(review.locator(".badge").filter(has_text=re.compile(r"^Correct$"))).to_be_visible()
    total_correct = sum(len(item.right_choice()) for item in items)
    expect(correct_answer_badges(page)).to_have_count(total_correct)

    # Passing completes module 1: module 2 opens and the dashboard counts it.
    page.get_by_role("link", name="Back to the lesson").click()
    expect(page.get_by_text("Passed: this module is complete.")).to_be_visible()
    page.get_by_role("navigation", name="breadcrumb").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(course_facts.title)
    module_two = page.locator("li.card").filter(has_text=f"2. {second.title}")
    expect(module_two.get_by_role("link", name=f"2. {second.title}")).to_be_visible()
    expect(module_two.get_by_text("Locked", exact=True)).to_have_count(0)
    module_three = page.locator("li.card").filter(has_text=f"3. {course_facts.modules[2].title}")
    expect(module_three.get_by_text("Locked", exact=True)).to_be_visible()
    page.get_by_role("link", name="My learning").click()
    expect(page.get_by_test_id("module-count")).to_have_text("1 of 7 modules complete")


@pytest.mark.browser
def test_a_submit_from_a_tab_opened_before_signing_in_again_is_refused_with_a_way_back(
    page: Page,
    expect: Callable[..., Any],
    live_server: LiveServer,
    course_facts: CourseFacts,
    register_learner: Callable[..., None],
) -> None:
    """The learner answers in one tab, signs out and in again in another (a new session and
    CSRF token), then submits the first tab: nothing is recorded, the take page says why, and
    answering again from there submits."""
    from tests.e2e.conftest import PASSWORD

    email = "stale.tab@example.org"
    dialogs: list[str] = []

    def accept(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    register_learner(page, "Stale Tab", email)
    page.get_by_role("link", name=course_facts.title).click()
    page.get_by_role("button", name="Start the course").click()
    page.get_by_test_id("lesson-end").get_by_role("link", name="Take the quiz").click()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page).to_have_url(ATTEMPT_URL)
    attempt_id = current_attempt_id(page)
    items = answer_key(live_server, attempt_id)
    for item in items:
        choose(page, expect, item, item.right_choice())

    other = page.context.new_page()
    other.goto(page.url)
    other.get_by_role("button", name="Sign out").click()
    other.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    other.get_by_label("Email").fill(email)
    other.get_by_label("Password", exact=True).fill(PASSWORD)
    other.get_by_role("button", name="Sign in").click()
    expect(other.get_by_role("navigation", name="Main")).to_contain_text("Stale Tab")
    other.close()

    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("alert")).to_contain_text("nothing was recorded")
    expect(page).to_have_url(ATTEMPT_URL)
    assert current_attempt_id(page) == attempt_id
    assert attempt_result(live_server, attempt_id) == (None, None)
    for item in items:  # the reloaded page carries the new session's token
        choose(page, expect, item, item.right_choice())
    submit(page, expect, dialogs)
    expect(page.get_by_role("status")).to_contain_text("you scored 100%")
    assert attempt_result(live_server, attempt_id) == (1.0, True)


@pytest.mark.browser
def test_a_learner_saves_part_way_finishes_in_another_tab_and_the_old_tab_changes_nothing(
    page: Page,
    expect: Callable[..., Any],
    live_server: LiveServer,
    course_facts: CourseFacts,
    register_learner: Callable[..., None],
) -> None:
    """Save and finish later keeps the answers on the server: a second tab shows them, and
    submits. Saving from the first tab afterwards says the attempt was submitted already and
    leaves its graded answers alone."""
    from tests.e2e.conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    dialogs: list[str] = []

    def accept(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    register_learner(page, "Part Way", "part.way@example.org")
    page.get_by_role("link", name=course_facts.title).click()
    page.get_by_role("button", name="Start the course").click()
    page.get_by_test_id("lesson-end").get_by_role("link", name="Take the quiz").click()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page).to_have_url(ATTEMPT_URL)
    attempt_id = current_attempt_id(page)
    items = answer_key(live_server, attempt_id)
    first, second, *rest = items
    choose(page, expect, first, first.right_choice())
    choose(page, expect, second, second.right_choice())
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_role("alert")).to_contain_text("Answers saved")
    expect(page).to_have_url(ATTEMPT_URL)
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(ARTIFACTS / f"quiz-saved-{width}.png"), full_page=True)

    other = page.context.new_page()
    other.on("dialog", accept)
    other.goto(page.url)
    for item in (first, second):  # the saved answers come back from the server
        fieldset = other.locator("fieldset").filter(
            has=other.locator("legend", has_text=f"Question {item.position} of ")
        )
        expect(fieldset.get_by_label(item.right_choice()[0].text, exact=True)).to_be_checked()
    for item in rest:
        choose(other, expect, item, item.right_choice())
    submit(other, expect, dialogs)
    expect(other.get_by_role("status")).to_contain_text("you scored 100%")
    other.close()

    choose(page, expect, first, first.wrong_choice())
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_role("alert")).to_contain_text("already been submitted")
    expect(page).not_to_have_url(ATTEMPT_URL)  # on the result page, not back on the form
    expect(page.get_by_role("status")).to_contain_text("you scored 100%")
    page.screenshot(path=str(ARTIFACTS / "quiz-stale-save-390.png"), full_page=True)
    assert attempt_result(live_server, attempt_id) == (1.0, True)
