"""Forgot password, the emailed link, a new password, and the old session gone, in Chromium."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from course.auth.services import create_user
from tests.e2e.conftest import PASSWORD, LiveServer

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

EMAIL = "riya.reset@example.org"
NEW_PASSWORD = "a fresh passphrase for riya"


@pytest.mark.browser
def test_forgot_password_reset_signs_out_the_other_browser(
    page: Page, browser: Browser, expect: Callable[..., Any], live_server: LiveServer
) -> None:
    with live_server.session() as session:
        create_user(email=EMAIL, password=PASSWORD, full_name="Riya Reset", verified=True)
        session.commit()
    # Another browser is signed in: it must be signed out by the reset.
    other = browser.new_context(base_url=live_server.url).new_page()
    other.goto("/auth/login")
    other.get_by_label("Email").fill(EMAIL)
    other.get_by_label("Password").fill(PASSWORD)
    other.get_by_role("button", name="Sign in").click()
    expect(other.get_by_role("button", name="Sign out")).to_be_visible()

    page.goto("/auth/login")
    page.get_by_role("link", name="Forgot password?").click()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_text("If an account exists for that address")).to_be_visible()
    outbox = live_server.app.extensions["mailman"].outbox
    message = next(m for m in reversed(outbox) if EMAIL in m.to)
    link = re.search(r"https?://\S+/auth/reset/\S+", message.body).group(0)
    page.goto(link)
    page.get_by_label("New password (at least 12 characters)").fill(NEW_PASSWORD)
    page.get_by_label("Repeat new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_text("Every device has been signed out")).to_be_visible()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Riya Reset")

    other.goto("/dashboard")
    expect(other.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto(link)  # the link worked once
    expect(page.get_by_text("This link is no longer valid")).to_be_visible()
    other.context.close()
