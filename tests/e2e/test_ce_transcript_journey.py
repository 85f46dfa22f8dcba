"""Transcript and reporting journey in real Chromium: a learner adds a credit earned elsewhere
(with a certificate file) and downloads the transcript PDF; an admin opens the PARS
pre-validation, fixes the one flagged learner's date of birth and exports PARS.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from course.auth.services import create_user
from course.models import Course, Role, User
from tests.cekit import certificate, claim
from tests.e2e.conftest import PASSWORD, LiveServer
from tests.e2e.test_certificate_journey import sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

NAME = "Zoë Łukasiewicz-Núñez"
EMAIL = "zoe.transcript@example.org"
ADMIN_EMAIL = "ada.reports@example.org"
FLAGGED = "Flo Flagged"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def seed(live_server: LiveServer) -> None:
    """An admin, the learner's certificate, and a second learner missing DOB parts."""
    with live_server.session() as session:
        course = session.scalars(select(Course)).one()
        learner = session.scalars(select(User).where(User.email == EMAIL)).one()
        certificate(
            learner,
            course,
            date(2026, 2, 1),
            [claim("participation", "Hours of participation", 1.5)],
        )
        create_user(email=ADMIN_EMAIL, password=PASSWORD, full_name="Ada Reports", role=Role.ADMIN)
        flagged = create_user(
            email="flo@example.org",
            password=PASSWORD,
            full_name=FLAGGED,
            profession="MD",
            licence_number="ME 1234",
            licence_state="ME",
        )
        flagged.share_consent_at = datetime(2026, 1, 5, tzinfo=UTC)
        session.flush()
        certificate(
            flagged,
            course,
            date(2026, 2, 3),
            [claim("participation", "Hours of participation", 1.5)],
        )
        session.commit()


def add_external_credit(page: Page, expect: Callable[..., Any], tmp: Path) -> None:
    """Add a credit earned elsewhere, first with a refused file, then with a PNG."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Transcript").click()
    page.get_by_role("link", name="Add a credit earned elsewhere").click()
    page.get_by_label("Activity title").fill("Airway management update")
    page.get_by_label("Provider").fill("St Elsewhere CME")
    page.get_by_label("Completion date").fill("2026-01-15")
    page.get_by_label("Credit type").select_option("ama_pra_1")
    page.get_by_label("Credit amount").fill("2.5")
    fake = tmp / "certificate.pdf"
    fake.write_text("<html><body>not a pdf</body></html>")
    page.get_by_label(re.compile("^Certificate file")).set_input_files(str(fake))
    page.get_by_role("button", name="Add credit").click()
    expect(page.get_by_text("The file must be a PDF, PNG or JPEG")).to_be_visible()
    real = tmp / "certificate.png"
    real.write_bytes(PNG)
    page.get_by_label(re.compile("^Certificate file")).set_input_files(str(real))
    page.get_by_role("button", name="Add credit").click()
    expect(page.get_by_text("Your self-reported credit was added")).to_be_visible()
    row = page.locator("tr[data-status=self-reported]")
    expect(row).to_contain_text("Airway management update")
    expect(page.locator("[data-totals=self-reported]")).to_contain_text(
        "AMA PRA Category 1 Credit™: 2.5"
    )
    expect(page.locator("[data-totals=earned]")).to_contain_text("Hours of participation: 1.5")


def give_identifiers(page: Page, expect: Callable[..., Any]) -> None:
    """The learner adds an NPI (one with a bad check digit first), DOB and consent."""
    page.goto("/auth/profile")
    page.get_by_role("link", name="Reporting identifiers and board-sharing consent").click()
    page.get_by_label("NPI (10 digits)").fill("1234567890")
    page.get_by_label("Birth month (1–12)").fill("2")
    page.get_by_label("Birth day (1–31)").fill("29")
    page.get_by_label(re.compile("^Share my completion data")).check()
    page.get_by_role("button", name="Save identifiers").click()
    expect(page.get_by_text("fails its check digit")).to_be_visible()
    page.get_by_label("NPI (10 digits)").fill("1234567893")
    page.get_by_label(re.compile("^Share my completion data")).check()
    page.get_by_role("button", name="Save identifiers").click()
    expect(page.get_by_text("Reporting identifiers saved.")).to_be_visible()
    expect(page.get_by_text(re.compile("^Consent given on"))).to_be_visible()


def transcript_pdf_text(page: Page) -> str:
    href = page.get_by_role("link", name="Download PDF").get_attribute("href")
    response = page.request.get(href or "")
    assert response.status == 200
    return " ".join(PdfReader(io.BytesIO(response.body())).pages[0].extract_text().split())


def admin_fixes_and_exports(page: Page, expect: Callable[..., Any]) -> list[list[str]]:
    page.goto("/ce/staff")
    page.get_by_role("link", name=re.compile("^CE reporting")).click()
    page.get_by_role("link", name="ACCME PARS learner completion").click()
    expect(page.locator("#prevalidation-summary")).to_contain_text("1 would be rejected")
    flagged = page.locator("#flagged tr[data-user]").filter(has_text=FLAGGED)
    expect(flagged).to_contain_text("Missing date-of-birth parts")
    reports_url = page.url
    flagged.get_by_role("link", name=FLAGGED).click()
    page.get_by_label("Birth month (1–12)").fill("7")
    page.get_by_label("Birth day (1–31)").fill("31")
    page.get_by_role("button", name="Save identifiers").click()
    expect(page.get_by_text("Reporting identifiers saved.")).to_be_visible()
    page.goto(reports_url)
    expect(page.locator("#prevalidation-summary")).to_contain_text("0 would be rejected")
    href = page.get_by_role("link", name=re.compile("^Export the 2 valid rows")).get_attribute(
        "href"
    )
    response = page.request.get(href or "")
    assert response.status == 200
    return list(csv.reader(io.StringIO(response.text())))


@pytest.mark.browser
def test_learner_adds_credit_and_admin_exports_pars_after_a_fix(
    page: Page,
    expect: Callable[..., Any],
    live_server: LiveServer,
    register_learner: Callable[..., None],
    tmp_path: Path,
) -> None:
    register_learner(page, NAME, EMAIL, profession="MD")
    seed(live_server)
    give_identifiers(page, expect)
    add_external_credit(page, expect, tmp_path)
    text = transcript_pdf_text(page)
    assert NAME in text
    assert "Airway management update" in text
    sign_in(page, expect, ADMIN_EMAIL)
    rows = admin_fixes_and_exports(page, expect)
    assert rows[0][:2] == ["First Name", "Last Name"]
    names = {(r[0], r[1]) for r in rows[1:]}
    assert ("Flo", "Flagged") in names
    flo = next(r for r in rows[1:] if r[1] == "Flagged")
    assert flo[2:4] == ["07", "31"]
    assert flo[5:7] == ["ME", "ME1234"]
