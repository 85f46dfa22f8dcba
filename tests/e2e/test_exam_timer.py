"""The final exam's countdown tells screen readers at 5 and at 1 minute left (Playwright clock).

The learner's modules are completed on the server; the sign-in, the start of the timed final
exam and the announcements happen in Chromium, whose clock is fast-forwarded (page.clock)
instead of waiting 40 minutes.
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
from course.models import Course, Quiz, QuizKind
from tests.e2e.conftest import PASSWORD, LiveServer

if TYPE_CHECKING:
    from playwright.sync_api import Page

EMAIL = "tim.timer@example.org"


def _ready_for_the_final(live_server: LiveServer) -> tuple[int, int]:
    """A learner with every module complete; returns the final's id and time limit."""
    with live_server.session() as session:
        user = create_user(email=EMAIL, password=PASSWORD, full_name="Tim Timer", verified=True)
        course = session.scalars(select(Course)).one()
        enroll(user.id, course)
        for module in course.modules:
            if module.is_published:
                record_view(user.id, module)
                complete_module(user.id, module.id)
        final = session.scalars(
            select(Quiz).where(Quiz.course_id == course.id, Quiz.kind == QuizKind.FINAL)
        ).one()
        session.commit()
        return final.id, int(final.settings["time_limit_minutes"])


@pytest.mark.browser
def test_final_exam_timer_announces_five_and_one_minute(
    page: Page, expect: Callable[..., Any], live_server: LiveServer
) -> None:
    final_id, limit = _ready_for_the_final(live_server)
    assert limit > 6
    page.clock.install(time=datetime.now(UTC))
    page.goto("/auth/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda u: "/auth/login" not in u)  # literal URL: the sign-in landed
    page.goto(f"/quiz/{final_id}")
    page.get_by_role("button", name="Start the final exam").click()

    timer = page.locator(".quiz-timer")
    live = page.locator("#timer-announce")
    expect(timer).to_have_text(re.compile(rf"^{limit - 1}:\d\d left$"))
    expect(live).to_have_attribute("aria-live", "assertive")
    expect(live).to_have_text("")  # nothing to say with most of the time left

    page.clock.fast_forward(f"{limit - 6}:00")  # about 6 minutes left: still quiet
    expect(timer).to_have_text(re.compile(r"^5:\d\d left$"))
    expect(live).to_have_text("")
    page.clock.fast_forward("01:10")  # under 5 minutes left
    expect(live).to_have_text("5 minutes left.")
    page.clock.fast_forward("03:55")  # under 1 minute left
    expect(live).to_have_text("1 minute left.")
    expect(timer).to_have_text(re.compile(r"^0:\d\d left$"))
