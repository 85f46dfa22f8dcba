"""Tests for the certificate PDF renderer: text, layout, fonts, QR code and determinism."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from course.certificates.pdf import human_date, render_certificate_pdf
from tests.pdfqr import qr_texts

ROOT = Path(__file__).resolve().parents[1]
VERIFY_URL = "https://practicum.example.org/certificates/verify/PRAC-7K3M-9QXD-4F2H-T"
STATEMENT = (
    "This activity has not been accredited for continuing medical education credit. "
    "The learner attested to 2.0 hours of participation, in quarter-hour steps. "
    "Check with your licensing board whether it accepts this certificate."
)


@pytest.fixture
def snapshot() -> dict[str, Any]:
    """Return a frozen certificate snapshot like the one stored on a certificate row."""
    return {
        "code": "PRAC-7K3M-9QXD-4F2H-T",
        "full_name": "Zoë Łukasiewicz-Núñez",
        "credential": "MD",
        "licence_number": "A123456",
        "licence_state": "CA",
        "course_title": "Who Can and Cannot Benefit from Ketamine Therapy",
        "course_version": "1.0",
        "hours": 2.0,
        "completion_date": "2026-11-26",
        "final_score": 0.875,
        "issued_at": "2026-11-27T09:15:00+00:00",
        "issuer_name": "Practicum Clinical Education",
        "signatory_name": "Dr. Søren Ærø",
        "signatory_title": "Course Director",
        "certificate_title": "Certificate of Completion",
        "credit_statement": STATEMENT,
        "credit_line": "2.0 hours of participation",
    }


def _text(pdf: bytes) -> str:
    """Extract the single page's text with whitespace collapsed."""
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


@pytest.mark.parametrize(
    "name", ["Zoë Łukasiewicz-Núñez", "Nguyễn Thị Minh Khai", "Søren Ærø", "María José O’Neill"]
)
def test_text_contains_unicode_name_and_certificate_details(
    snapshot: dict[str, Any], name: str
) -> None:
    snapshot["full_name"] = name
    text = _text(render_certificate_pdf(snapshot, VERIFY_URL))
    assert f"{name}, MD" in text
    assert "PRAC-7K3M-9QXD-4F2H-T" in text
    assert "2.0 hours of participation" in text
    assert "Who Can and Cannot Benefit from Ketamine Therapy" in text
    assert "This activity has not been accredited for continuing medical" in text
    assert "Certificate of Completion" in text
    assert "This certifies that" in text
    assert "has completed" in text
    assert "26 November 2026" in text
    assert "Practicum Clinical Education" in text
    assert "Dr. Søren Ærø" in text
    assert "Course Director" in text
    assert VERIFY_URL in text
    assert "Licence no. A123456 (CA)" in text


def test_page_is_landscape_letter(snapshot: dict[str, Any]) -> None:
    reader = PdfReader(io.BytesIO(render_certificate_pdf(snapshot, VERIFY_URL)))
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == (792.0, 612.0)


def test_only_embedded_dejavu_fonts_are_used(snapshot: dict[str, Any]) -> None:
    reader = PdfReader(io.BytesIO(render_certificate_pdf(snapshot, VERIFY_URL)))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = []
    for ref in fonts.values():
        font = ref.get_object()
        names.append(str(font["/BaseFont"]))
        assert "/FontFile2" in font["/FontDescriptor"].get_object()
    assert names
    assert all("DejaVu" in n for n in names), names
    assert any(n.endswith("DejaVuSerif-Bold") for n in names)


def test_qr_code_decodes_to_exact_verify_url(snapshot: dict[str, Any]) -> None:
    assert qr_texts(render_certificate_pdf(snapshot, VERIFY_URL)) == [VERIFY_URL]


def test_qr_code_decodes_long_url_with_query(snapshot: dict[str, Any]) -> None:
    url = VERIFY_URL + "?lang=en&ref=pdf&sig=" + "x7Qm" * 12
    assert qr_texts(render_certificate_pdf(snapshot, url)) == [url]


def test_status_note_is_drawn_and_qr_still_decodes(snapshot: dict[str, Any]) -> None:
    pdf = render_certificate_pdf(snapshot, VERIFY_URL, status_note="REVOKED")
    assert "REVOKED" in _text(pdf)
    assert "REVOKED" not in _text(render_certificate_pdf(snapshot, VERIFY_URL))
    assert qr_texts(pdf) == [VERIFY_URL]


def test_rendering_is_deterministic(snapshot: dict[str, Any]) -> None:
    first = render_certificate_pdf(snapshot, VERIFY_URL)
    assert render_certificate_pdf(dict(snapshot), VERIFY_URL) == first
    assert render_certificate_pdf(snapshot, VERIFY_URL + "x") != first


def test_rendering_is_identical_in_a_fresh_process(snapshot: dict[str, Any]) -> None:
    script = (
        "import json, sys\n"
        "from course.certificates.pdf import render_certificate_pdf\n"
        "snap = json.loads(sys.stdin.read())\n"
        f"sys.stdout.buffer.write(render_certificate_pdf(snap, {VERIFY_URL!r}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(snapshot).encode(),
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    assert out == render_certificate_pdf(snapshot, VERIFY_URL)


def test_creation_date_comes_from_issued_at(snapshot: dict[str, Any]) -> None:
    reader = PdfReader(io.BytesIO(render_certificate_pdf(snapshot, VERIFY_URL)))
    assert reader.metadata is not None
    assert reader.metadata.creation_date == datetime(2026, 11, 27, 9, 15, tzinfo=UTC)
    snapshot["issued_at"] = "2027-01-02T23:30:00-05:00"
    reader = PdfReader(io.BytesIO(render_certificate_pdf(snapshot, VERIFY_URL)))
    assert reader.metadata is not None
    assert reader.metadata.creation_date == datetime(2027, 1, 3, 4, 30, tzinfo=UTC)


def test_very_long_name_and_title_still_give_one_valid_page(snapshot: dict[str, Any]) -> None:
    snapshot["full_name"] = "Nguyễn Thị Minh Khai-Łukasiewicz " * 9
    snapshot["course_title"] = "Patient selection for ketamine-assisted therapy " * 15
    snapshot["credit_statement"] = STATEMENT * 6
    pdf = render_certificate_pdf(snapshot, VERIFY_URL)
    text = _text(pdf)
    assert "Nguyễn Thị Minh Khai-Łukasiewicz" in text
    assert "Patient selection for ketamine-assisted therapy" in text
    assert "PRAC-7K3M-9QXD-4F2H-T" in text
    assert "…" in text
    assert qr_texts(pdf) == [VERIFY_URL]


def test_unbroken_long_name_is_wrapped_not_overflowing(snapshot: dict[str, Any]) -> None:
    snapshot["full_name"] = "Łukasiewicz" * 12
    text = _text(render_certificate_pdf(snapshot, VERIFY_URL))
    assert "Łukasiewicz" in text
    assert "PRAC-7K3M-9QXD-4F2H-T" in text


def test_optional_fields_may_be_missing(snapshot: dict[str, Any]) -> None:
    snapshot["licence_state"] = None
    snapshot["credential"] = ""
    text = _text(render_certificate_pdf(snapshot, VERIFY_URL))
    assert "Licence no. A123456" in text
    assert "(CA)" not in text
    assert "Zoë Łukasiewicz-Núñez," not in text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-26", "26 November 2026"),
        ("2026-01-05", "5 January 2026"),
        ("2026-11-27T09:15:00+00:00", "27 November 2026"),
    ],
)
def test_human_date(value: str, expected: str) -> None:
    assert human_date(value) == expected
