"""An instructor reads the cohort report, item analysis and mastery, at desktop and mobile size.

Learners' attempts at module 1's quiz are made on the server (through the quiz services); the
instructor's reading happens in Chromium at 1280x900 and 390x844. Screenshots of each page go
to tests/e2e/artifacts/insight-<page>-<size>.png, and each page is checked with axe (every
impact level, not only serious ones).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select

from course.auth.services import create_user
from course.learning.services import complete_module, enroll, record_view
from course.models import Course, PublishStatus, Quiz, Role
from course.quiz.services import start_attempt
from course.quiz.submit import finalize_attempt
from tests.e2e.conftest import ARTIFACTS, PASSWORD, LiveServer
from tests.e2e.test_accessibility import AXE_SCRIPT, RULES

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

EMAIL = "iris.insight@example.org"
SIZES = {"desktop": (1280, 900), "mobile": (390, 844)}
LEARNERS = 7


@pytest.fixture(scope="module")
def seeded(live_server: LiveServer) -> dict[str, Any]:
    """Seven learners who took module 1's quiz, an empty draft course, and the instructor."""
    with live_server.session() as session:
        course = session.scalars(select(Course)).one()
        module = min(course.modules, key=lambda m: m.position)
        quiz = session.scalars(select(Quiz).where(Quiz.module_id == module.id)).one()
        session.add(Course(slug="a-draft", title="A draft course", status=PublishStatus.DRAFT))
        create_user(email=EMAIL, password=PASSWORD, full_name="Iris Insight", role=Role.INSTRUCTOR)
        now = datetime.now(UTC)
        for i in range(LEARNERS):
            user = create_user(
                email=f"learner{i}@example.org",
                password=PASSWORD,
                full_name=f"Learner {i}",
                verified=True,
            )
            enroll(user.id, course)
            record_view(user.id, module)
            attempt = start_attempt(user.id, quiz, now)
            answers = {}
            for item in attempt.items:
                keys = sorted(item.version.correct_keys)
                wrong = [k for k in item.option_order if k not in keys][:1]
                answers[item.position] = keys if (i + item.position) % 3 else wrong
            finalize_attempt(attempt, answers, now)
            if attempt.passed:
                complete_module(user.id, module.id)
        session.commit()
        return {"slug": course.slug, "title": course.title, "quiz": quiz.id}


def _axe(page: Page) -> list[str]:
    page.add_script_tag(content=AXE_SCRIPT.read_text(encoding="utf-8"))
    result = page.evaluate("(rules) => axe.run(document, rules)", RULES)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        f" {[n.get('failureSummary', '')[:160] for n in v['nodes']][:2]}"
        for v in result["violations"]
    ]


def _shot(page: Page, name: str, size: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"insight-{name}-{size}.png"), full_page=True)


def _no_sideways_scroll(page: Page) -> None:
    """The page itself never scrolls sideways (wide tables scroll inside their card)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """(limit) => Array.from(document.querySelectorAll('body *'))
          .filter((el) => el.getBoundingClientRect().right > limit + 0.5)
          .filter((el) => !el.closest('.table-responsive'))
          .slice(0, 5).map((el) => el.tagName + '.' + el.className + '#' + el.id)""",
        page.viewport_size["width"],
    )
    assert width <= page.viewport_size["width"], (width, wide)


@pytest.mark.browser
@pytest.mark.parametrize("size", list(SIZES))
def test_instructor_reads_cohort_item_analysis_and_mastery(
    browser: Browser,
    live_server: LiveServer,
    expect: Callable[..., Any],
    seeded: dict[str, Any],
    size: str,
) -> None:
    width, height = SIZES[size]
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}, bypass_csp=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    problems: dict[str, list[str]] = {}
    try:
        page.goto("/auth/login")
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda u: "/auth/login" not in u)  # literal URL: the sign-in landed
        page.goto("/instructor/cohort")

        # Cohort report: the course with learners, not the empty draft that sorts first.
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Cohort report: {seeded['title']}"
        )
        expect(page.locator("#match-count")).to_have_text(f"{LEARNERS} learners match.")
        expect(page.locator("#enrolled_from")).to_have_attribute("type", "date")
        expect(page.locator("#enrolled_from-help")).to_contain_text("calendar")
        labels = page.locator("#funnel-chart .chart-bar > text:first-of-type")
        first_module = labels.nth(1).text_content() or ""
        assert "…" not in first_module
        assert re.match(r"Module 1: \S", first_module)
        box = page.locator("#funnel-chart").bounding_box()
        for i in range(labels.count()):
            label = labels.nth(i).bounding_box()
            assert label["x"] >= box["x"] - 1
            assert label["x"] + label["width"] <= box["x"] + box["width"] + 1, i
        _no_sideways_scroll(page)
        _shot(page, "cohort", size)
        problems["cohort"] = _axe(page)

        # Item analysis: every item in one table, sorted on the server, linked to its editor.
        page.get_by_role("link", name="M1", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Item analysis")
        table = page.locator("#item-summary")
        expect(table.locator("caption")).to_contain_text("sorted by question, ascending")
        expect(table.locator(".small-sample").first).to_have_text("small sample")
        expect(page.locator("section.item-version .small-sample").first).to_have_text(
            re.compile(r"^Based on \d+ responses?: treat with caution\.$")
        )
        table.get_by_role("link", name="Facility", exact=True).click()
        expect(page).to_have_url(re.compile(r"\?sort=facility$"))
        expect(table.locator("th[aria-sort=ascending]")).to_contain_text("Facility")
        values = [float(v) for v in table.locator("td[data-stat=facility]").all_inner_texts()]
        assert values == sorted(values)
        table.get_by_role("link", name=re.compile(r"^Facility")).click()
        expect(page).to_have_url(re.compile(r"\?sort=-facility$"))
        values = [float(v) for v in table.locator("td[data-stat=facility]").all_inner_texts()]
        assert values == sorted(values, reverse=True)
        _shot(page, "analysis", size)
        _no_sideways_scroll(page)
        problems["analysis"] = _axe(page)
        first = table.locator("tbody tr").first
        uid = first.get_attribute("data-version").split(" ")[0]
        first.get_by_role("link", name=f"Edit {uid}").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"Edit {uid}")

        # Mastery: a chart with a text alternative, and the caution in words.
        page.goto(f"/instructor/courses/{seeded['slug']}/mastery")
        chart = page.locator("#mastery-chart")
        expect(chart).to_be_visible()
        expect(chart).to_have_attribute("role", "img")
        expect(page.locator("figcaption")).to_contain_text("the table below gives the same figures")
        expect(page.locator("#objectives .small-sample").first).to_contain_text(
            "treat with caution"
        )
        _no_sideways_scroll(page)
        _shot(page, "mastery", size)
        problems["mastery"] = _axe(page)
    finally:
        context.close()
    assert not errors, errors
    assert not {k: v for k, v in problems.items() if v}, problems
