"""Accessibility: axe-core (WCAG 2 A and AA rules) finds no serious or critical problem on the
pages learners, instructors and admins use."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from course.auth.services import create_user
from course.auth.tokens import WELCOME, make_token
from course.models import Course, Quiz, Role
from tests.e2e.conftest import PASSWORD, LiveServer, browser_required

if TYPE_CHECKING:
    from playwright.sync_api import Browser

AXE = Path(__file__).resolve().parents[2] / "tools" / "a11y" / "node_modules" / "axe-core"
AXE_SCRIPT = AXE / "axe.min.js"
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE_SCRIPT.exists():
        message = f"ACCESSIBILITY TESTS NEED axe-core: run `make test` (npm ci in {AXE.parents[1]})"
        if browser_required():
            pytest.fail(message)
        pytest.skip(message)
    return AXE_SCRIPT.read_text(encoding="utf-8")


# Only the violations come back from the page: axe still runs every rule on every element,
# but it does not collect each passing node, and the page sends far less back over CDP.
RUN_AXE = """async (rules) => {
    const result = await axe.run(document, {...rules, resultTypes: ["violations"]});
    return result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target),
    }));
}"""


def audit(page, axe_source: str) -> list[str]:
    """Run axe on the current page; return serious and critical violations, described.

    A context that loads axe into every document (add_init_script) skips the injection.
    """
    if not page.evaluate("() => typeof axe === 'object'"):
        page.add_script_tag(content=axe_source)
    violations = page.evaluate(RUN_AXE, RULES)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['targets'][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.browser
def test_key_pages_pass_axe(browser: Browser, live_server: LiveServer, axe_source: str) -> None:
    with live_server.session() as session:
        course = session.scalars(select(Course)).one()
        quiz = session.scalar(select(Quiz).where(Quiz.module_id == course.modules[0].id))
        create_user(
            email="a11y-admin@example.org",
            password=PASSWORD,
            full_name="Ada Access",
            role=Role.ADMIN,
        )
        newcomer = create_user(
            email="a11y-newcomer@example.org", password=PASSWORD, full_name="Nia Newcomer"
        )
        session.commit()
        slug, module_slug, quiz_id = course.slug, course.modules[0].slug, quiz.id
        welcome = make_token(newcomer, WELCOME)  # an admin-created account's first sign-in
    # The CSP forbids injected scripts; the audit context alone bypasses it.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    # Sent to the browser once, rather than as a 500 kB script tag per audited page.
    context.add_init_script(script=axe_source)
    page = context.new_page()
    try:
        pages = ["/", "/auth/login", "/auth/register", "/verify", f"/courses/{slug}"]
        problems: dict[str, list[str]] = {}
        for path in pages:
            page.goto(path)
            problems[path] = audit(page, axe_source)
        page.goto("/auth/login")
        page.fill("#email", "a11y-admin@example.org")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        signed_in = [
            "/dashboard",
            f"/courses/{slug}/modules/{module_slug}",
            f"/quiz/{quiz_id}",
            "/auth/profile",
            "/account/close",
            "/instructor/questions",
            "/instructor/import",
            "/instructor/cohort",
            f"/instructor/quizzes/{quiz_id}/analysis",
            f"/instructor/quizzes/{quiz_id}/analysis?sort=-facility",
            f"/instructor/quizzes/{quiz_id}/analysis?sort=bogus",
            f"/instructor/courses/{slug}/mastery",
            "/instructor/cohort?enrolled_from=31/01/2026",
            f"/auth/welcome/{welcome}",
            f"/instructor/quizzes/{quiz_id}/settings",
            f"/instructor/modules?course={slug}",
            "/admin/certificates",
            "/admin/audit",
            "/admin/users",
            "/admin/users?letter=A",
            "/admin/",
            "/admin/users/1",
            "/admin/users/new",
            "/certificates",
        ]
        for path in signed_in:
            page.goto(path)
            problems[path] = audit(page, axe_source)
    finally:
        context.close()
    failing = {path: found for path, found in problems.items() if found}
    assert not failing, failing
