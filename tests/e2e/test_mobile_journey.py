"""Phone-sized journeys (390×844): the collapsing navbar, registering from a course page and
returning to it, and pages that never scroll sideways (tables scroll inside their cards)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from course.auth.services import create_user
from course.models import Role
from tests.e2e.conftest import PASSWORD, CourseFacts, LiveServer

if TYPE_CHECKING:
    from playwright.sync_api import Page

PHONE = {"width": 390, "height": 844}
WIDEST = """() => Array.from(document.querySelectorAll('body *'))
  .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
  .filter((el) => !el.closest('.table-responsive') || getComputedStyle(el).position !== 'static')
  .slice(0, 5).map((el) => el.tagName + '.' + el.className + ' ' + getComputedStyle(el).position)"""
SHOTS = os.environ.get("E2E_SCREENSHOTS")  # a folder: save a screenshot of each page there


def no_sideways_scroll(page: Page, name: str) -> None:
    """The page is no wider than the phone (wide tables scroll inside their own box)."""
    page.wait_for_load_state("load")  # measure with the stylesheets applied
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/mobile-{name}.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(WIDEST) if width > PHONE["width"] else []
    assert width <= PHONE["width"], f"{name}: page is {width}px wide: {wide}"


def open_menu(page: Page, expect: Callable[..., Any]) -> None:
    """The nav is collapsed behind its toggle; open it."""
    toggle = page.get_by_role("button", name="Menu")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    # The toggle works once Bootstrap's script has run; a click before that does nothing.
    page.wait_for_function(
        "() => window.bootstrap !== undefined && document.readyState === 'complete'"
    )
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    # Bootstrap animates the menu open ("collapsing"), then marks it "show"; a click on a link
    # while it is still sliding can miss, so wait for the end of the animation.
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))


@pytest.mark.browser
def test_phone_learner_registers_from_a_course_and_returns_to_it(
    page: Page, expect: Callable[..., Any], course_facts: CourseFacts
) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    box = nav.bounding_box()
    assert box is not None
    assert box["height"] < 80  # one row: the links are collapsed
    expect(nav.get_by_role("link", name="Create account")).to_be_hidden()
    open_menu(page, expect)
    expect(nav.get_by_role("link", name="Create account")).to_be_visible()
    no_sideways_scroll(page, "home-menu-open")

    page.get_by_role("link", name=course_facts.title).first.click()
    page.get_by_role("link", name="Create an account to start").click()
    page.get_by_label("Full name").fill("Noor Phone")
    page.get_by_label("Email").fill("noor.phone@example.org")
    page.get_by_label("Password (at least 12 characters)", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    # Profession starts empty and is required; the passwords survive the error.
    expect(page.get_by_text("Choose your profession or credential.")).to_be_visible()
    expect(page.get_by_label("Repeat password")).to_have_value(PASSWORD)
    no_sideways_scroll(page, "register-error")
    page.get_by_label("Profession or credential").select_option("RN")
    page.get_by_role("button", name="Create account").click()
    # Registration signs nobody in (#12): the sign-in page carries the course along.
    expect(page.get_by_text("Check your inbox")).to_be_visible()
    page.get_by_label("Email").fill("noor.phone@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(course_facts.title)

    page.get_by_role("button", name="Start the course").click()
    no_sideways_scroll(page, "module")
    page.goto("/dashboard")
    expect(page.get_by_test_id("next-step")).to_have_count(1)
    no_sideways_scroll(page, "dashboard")


@pytest.mark.browser
def test_phone_admin_nav_collapses_and_tables_fit(
    page: Page, expect: Callable[..., Any], live_server: LiveServer
) -> None:
    with live_server.session() as session:
        create_user(
            email="phone.admin@example.org", password=PASSWORD, full_name="Pat Admin",
            role=Role.ADMIN,
        )  # fmt: skip
        session.commit()
    page.set_viewport_size(PHONE)
    page.goto("/auth/login")
    page.get_by_label("Email").fill("phone.admin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Wait for the signed-in page: measuring or opening the menu before the navigation ends
    # would act on the sign-in page's nav, which has no Users link.
    expect(page.get_by_role("heading", level=1)).to_have_text("My learning")
    page.wait_for_load_state("load")  # measure with the stylesheets applied, not mid-load
    nav = page.get_by_role("navigation", name="Main")
    box = nav.bounding_box()
    assert box is not None
    assert box["height"] < 80  # nine admin links no longer take 376 px
    open_menu(page, expect)
    nav.get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    no_sideways_scroll(page, "admin-users")
    for path in ("/admin/certificates", "/admin/audit", "/certificates"):
        page.goto(path)
        no_sideways_scroll(page, path.strip("/").replace("/", "-"))
