"""CE journey in real Chromium: a physician acknowledges the activity page and disclosures before
module 1, completes the course, claims AMA credit, and an admin issues the certificate.

Lessons and the final exam are fast-forwarded on the server; the acknowledgement, evaluation,
credit claim (with one rejected value first), the admin's preview and issue, and the PDF's
second page are all checked through the browser.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from course.models import CeActivity, Course
from tests.e2e.conftest import LiveServer
from tests.e2e.test_certificate_journey import CODE, fast_forward, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

NAME = "Zoë Łukasiewicz-Núñez"
EMAIL = "zoe.certificate@example.org"  # fast_forward() looks this learner up
ADMIN_EMAIL = "ada.admin@example.org"
AMA = (
    "Practicum designates this enduring material for a maximum of 1.5 AMA PRA Category 1 "
    "Credits™. Physicians should claim only the credit commensurate with the extent of their "
    "participation in the activity."
)


@pytest.fixture(scope="module", autouse=True)
def accredited_course(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Switch the gate on, sign with a throwaway key, and designate AMA credit for MD/DO."""
    live_server.app.config["CE_ACKNOWLEDGEMENT_GATE"] = True
    live_server.app.config["CERTIFICATE_KEYS_DIR"] = str(tmp_path_factory.mktemp("keys"))
    with live_server.session() as session:
        course = session.scalars(select(Course)).one()
        course.accreditation = {
            "accredited": True,
            "statement": "Practicum is accredited to provide continuing medical education.",
            "credits": [],
        }
        row = session.scalars(select(CeActivity)).one()
        row.designations = [
            {
                "credit_type": "ama_pra_1",
                "max_credits": 1.5,
                "professions": ["MD", "DO"],
                "statement": AMA,
                "provider_number": "ACCME-PRAC-001",
            },
            *row.designations,
        ]
        session.commit()


def acknowledge(page: Page, expect: Callable[..., Any], slug: str) -> None:
    """Start the course, get sent to the activity page, acknowledge it, land on module 1."""
    page.goto(f"/courses/{slug}")
    page.get_by_role("button", name="Start the course").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activity information")
    disclosures = page.get_by_test_id("disclosures")
    expect(disclosures).to_contain_text("Psychedelic Support")
    expect(disclosures).to_contain_text("sells ketamine training")
    expect(disclosures).to_contain_text("have been mitigated")
    expect(page.get_by_text(AMA)).to_be_visible()
    page.get_by_role("button", name="Acknowledge and continue").click()
    expect(page.get_by_text("Tick the box to acknowledge")).to_be_visible()
    page.get_by_label("I have read the activity information and the disclosures").check()
    page.get_by_role("button", name="Acknowledge and continue").click()
    expect(page.get_by_text("your acknowledgement was recorded")).to_be_visible()
    expect(page).to_have_url(re.compile(f"/courses/{slug}/modules/"))


def evaluate_and_claim(page: Page, expect: Callable[..., Any], slug: str) -> None:
    """Submit the evaluation, then claim AMA credit (a claim over the maximum is refused)."""
    page.goto(f"/courses/{slug}")
    page.get_by_test_id("certificate-steps").get_by_role(
        "link", name="Submit the course evaluation"
    ).click()
    page.get_by_role("group", name="The stated learning objectives were met").get_by_label(
        "5 – Strongly agree"
    ).check()
    page.get_by_role("group", name="The content is relevant to my practice").get_by_label(
        "4 – Agree"
    ).check()
    page.get_by_role("group", name="The content was free of commercial bias").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_label("What will you change in your practice").fill("Screen before referring.")
    page.get_by_role("button", name="Submit the evaluation").click()
    expect(page.get_by_text("Thank you: your evaluation was recorded.")).to_be_visible()

    page.get_by_test_id("certificate-steps").get_by_role("link", name=re.compile("^Attest")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Claim your credit")
    page.get_by_label("Hours you spent").fill("1.75")
    claim = page.get_by_label("AMA PRA Category 1 Credit™ claimed")
    claim.fill("1.75")
    page.get_by_label(re.compile("^I attest that I spent this time")).check()
    page.get_by_role("button", name="Record my claim").click()
    expect(page.get_by_text("You can claim at most 1.5")).to_be_visible()
    page.get_by_label("AMA PRA Category 1 Credit™ claimed").fill("1.5")
    page.get_by_label(re.compile("^I attest that I spent this time")).check()
    page.get_by_role("button", name="Record my claim").click()
    expect(page.get_by_text("Your time and credit claim were recorded.")).to_be_visible()


def admin_issues(page: Page, expect: Callable[..., Any]) -> str:
    """The staff home lists the learner as ready; issue from the queue; return the code."""
    # For an admin the nav's home is the admin home, which links on to the staff home (#16).
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin home").click()
    page.get_by_role("link", name="Open the staff home").click()
    expect(page.get_by_test_id("approvals")).to_contain_text(NAME)
    expect(page.get_by_test_id("approvals")).to_contain_text("ready")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Certificates").click()
    row = page.locator("tr[data-enrollment]").filter(has_text=NAME)
    row.get_by_role("checkbox", name=f"Select {NAME}").check()
    page.get_by_role("button", name="Preview selected").click()
    preview = page.locator("tr[data-enrollment]")
    expect(preview).to_contain_text("AMA PRA Category 1 Credit™: 1.5")
    page.get_by_role("button", name="Confirm issue (1)").click()
    notice = page.get_by_role("alert").filter(has_text="Issued 1 certificate")
    expect(notice).to_be_visible()
    match = CODE.search(notice.inner_text())
    assert match, notice.inner_text()
    return match.group(0)


def pdf_says(page: Page, code: str) -> list[str]:
    """Download the learner's PDF and return each page's text."""
    page.get_by_role("link", name="My certificates").click()
    href = (
        page.locator(f"section[data-code='{code}']")
        .get_by_role("link", name="Download PDF")
        .get_attribute("href")
    )
    response = page.request.get(href or "")
    assert response.status == 200
    reader = PdfReader(io.BytesIO(response.body()))
    return [" ".join(p.extract_text().split()) for p in reader.pages]


@pytest.mark.browser
def test_physician_acknowledges_claims_ama_credit_and_admin_issues(
    page: Page,
    expect: Callable[..., Any],
    live_server: LiveServer,
    register_learner: Callable[..., None],
) -> None:
    register_learner(page, NAME, EMAIL, profession="MD")
    with live_server.session() as session:
        slug = session.scalars(select(Course)).one().slug
    acknowledge(page, expect, slug)
    fast_forward(live_server)
    evaluate_and_claim(page, expect, slug)

    sign_in(page, expect, ADMIN_EMAIL)
    code = admin_issues(page, expect)

    sign_in(page, expect, EMAIL)
    first, second = pdf_says(page, code)
    assert "AMA PRA Category 1 Credit™: 1.5" in first
    assert AMA in second
    assert "1.5 claimed" in second
    assert "Provider or approval number: ACCME-PRAC-001" in second
    assert "Format: Enduring material, internet" in second
