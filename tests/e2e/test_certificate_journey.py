"""A learner earns a certificate and an admin issues, then revokes it, in real Chromium.

Module and final-exam completion are fast-forwarded on the server; the evaluation, the time
attestation, the admin's preview and confirm, the PDF download, verification and revocation
all happen in the browser.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select

from course.auth.services import create_user
from course.models import Course, Role, User
from tests.certkit import complete_course
from tests.e2e.conftest import PASSWORD, LiveServer

if TYPE_CHECKING:
    from playwright.sync_api import Page

NAME = "Zoë Łukasiewicz-Núñez"
EMAIL = "zoe.certificate@example.org"
ADMIN_EMAIL = "ada.admin@example.org"
CODE = re.compile(r"PRAC(?:-[0-9A-Z]{4}){3}-[0-9A-Z]")


@pytest.fixture(scope="module", autouse=True)
def signing_keys(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sign credentials with a throwaway key, never one in instance/keys."""
    folder = tmp_path_factory.mktemp("keys")
    live_server.app.config["CERTIFICATE_KEYS_DIR"] = str(folder)
    return folder


def sign_in(page: Page, expect: Callable[..., Any], email: str) -> None:
    """Sign out whoever is signed in, then sign in through the form."""
    if page.get_by_role("button", name="Sign out").count():
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def fast_forward(live_server: LiveServer) -> str:
    """Complete every module and pass the final exam for the learner; create the admin."""
    with live_server.session() as session:
        user = session.scalars(select(User).where(User.email == EMAIL)).one()
        course = session.scalars(select(Course)).one()
        complete_course(user.id, course)
        create_user(email=ADMIN_EMAIL, password=PASSWORD, full_name="Ada Admin", role=Role.ADMIN)
        session.commit()
        return course.slug


def evaluate_and_attest(page: Page, expect: Callable[..., Any], slug: str) -> None:
    """Fill the evaluation and the time attestation (with one rejected value first)."""
    page.goto(f"/courses/{slug}")
    steps = page.get_by_test_id("certificate-steps")
    expect(steps.locator("li[data-step=modules]")).to_contain_text("Done")
    expect(steps.locator("li[data-step=final]")).to_contain_text("Done")
    steps.get_by_role("link", name="Submit the course evaluation").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Course evaluation")
    objectives = page.get_by_role("group", name="The stated learning objectives were met")
    objectives.get_by_label("5 – Strongly agree").check()
    page.get_by_role("group", name="The content is relevant to my practice").get_by_label(
        "4 – Agree"
    ).check()
    page.get_by_role("group", name="The content was free of commercial bias").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_label("What will you change in your practice").fill(
        "Screen for psychosis and uncontrolled hypertension before referring."
    )
    page.get_by_role("button", name="Submit the evaluation").click()
    expect(page.get_by_text("Thank you: your evaluation was recorded.")).to_be_visible()

    page.get_by_test_id("certificate-steps").get_by_role("link", name=re.compile("^Attest")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attest your time")
    page.get_by_label("Hours spent").fill("1.3")
    page.get_by_label("I attest that I spent this time on the activity").check()
    page.get_by_role("button", name="Attest my time").click()
    expect(page.get_by_text("multiple of 0.25")).to_be_visible()
    page.get_by_label("Hours spent").fill("1.75")
    page.get_by_label("I attest that I spent this time on the activity").check()
    page.get_by_role("button", name="Attest my time").click()
    expect(page.get_by_text("Your time attestation was recorded.")).to_be_visible()
    expect(page.get_by_test_id("certificate-steps")).to_contain_text(
        "an administrator will review and issue your certificate"
    )


def admin_issues(page: Page, expect: Callable[..., Any]) -> str:
    """Select the learner in the queue, preview, confirm; return the new code."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Certificates").click()
    expect(page.get_by_role("heading", name="Awaiting issue")).to_be_visible()
    row = page.locator("tr[data-enrollment]").filter(has_text=NAME)
    expect(row).to_contain_text("1.75")
    expect(row).to_contain_text("90%")
    row.get_by_role("checkbox", name=f"Select {NAME}").check()
    page.get_by_role("button", name="Preview selected").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preview: certificates to issue")
    preview = page.locator("tr[data-enrollment]")
    expect(preview).to_have_count(1)
    expect(preview).to_contain_text(NAME)
    expect(preview).to_contain_text("1.75 hours of participation")
    expect(preview).to_contain_text("Certificate of Completion")
    page.get_by_role("button", name="Confirm issue (1)").click()
    notice = page.get_by_role("alert").filter(has_text="Issued 1 certificate")
    expect(notice).to_be_visible()
    match = CODE.search(notice.inner_text())
    assert match, notice.inner_text()
    return match.group(0)


def learner_downloads(page: Page, expect: Callable[..., Any], code: str, base: str) -> None:
    """Download the PDF from My certificates and check it really is a PDF."""
    page.get_by_role("link", name="My certificates").click()
    card = page.locator(f"section[data-code='{code}']")
    expect(card).to_contain_text("Valid")
    verify_url = f"{base}/verify/{code}"
    expect(card.get_by_role("button", name="Copy verify link")).to_have_attribute(
        "data-copy", verify_url
    )
    link = card.get_by_role("link", name="Download PDF")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"certificate-{code}.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    response = page.request.get(link.get_attribute("href") or "")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    credential = page.request.get(
        card.get_by_role("link", name="Signed credential (JSON)").get_attribute("href") or ""
    )
    assert credential.json()["type"] == ["VerifiableCredential", "OpenBadgeCredential"]


def verify_by_typing(page: Page, expect: Callable[..., Any], code: str, status: str) -> None:
    """Type the code loosely into the verify form and read the verdict."""
    page.goto("/verify")
    page.get_by_label("Certificate code").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Check").click()
    expect(page).to_have_url(re.compile(f"/verify/{code}$"))
    expect(page.get_by_role("heading", level=2)).to_have_text(f"{status} certificate")
    expect(page.locator("dl")).to_contain_text(NAME)


def admin_revokes(page: Page, expect: Callable[..., Any], code: str) -> None:
    """Open the certificate from the issued list, give a reason and confirm."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Certificates").click()
    page.get_by_role("link", name=code).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(code)
    page.get_by_label("Reason for revoking").fill("Completed under a shared account.")
    page.get_by_role("button", name="Revoke…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Revoke certificate {code}?")
    page.get_by_role("button", name="Confirm revocation").click()
    expect(page.get_by_text(f"Certificate {code} was revoked.")).to_be_visible()
    expect(page.get_by_test_id("certificate-status")).to_have_text("Revoked")


@pytest.mark.browser
def test_learner_earns_admin_issues_then_revokes(
    page: Page,
    expect: Callable[..., Any],
    live_server: LiveServer,
    register_learner: Callable[..., None],
) -> None:
    register_learner(page, NAME, EMAIL, profession="NP")
    slug = fast_forward(live_server)
    evaluate_and_attest(page, expect, slug)

    sign_in(page, expect, ADMIN_EMAIL)
    code = admin_issues(page, expect)

    sign_in(page, expect, EMAIL)
    learner_downloads(page, expect, code, live_server.url)
    verify_by_typing(page, expect, code, "Valid")

    sign_in(page, expect, ADMIN_EMAIL)
    admin_revokes(page, expect, code)

    page.get_by_role("button", name="Sign out").click()
    verify_by_typing(page, expect, code, "Revoked")
    expect(page.get_by_text(re.compile(r"revoked on \d{4}-\d{2}-\d{2}"))).to_be_visible()
