"""PARS and CE Broker exports: columns, pre-validation on a cohort with gaps, query counts."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from course.ce.export_files import Tracking
from tests.cekit import certificate, claim, cohort, course
from tests.conftest import url

BASE = "/ce/reports/sepsis"


@pytest.fixture
def sepsis(db):
    row = course("sepsis", "Sepsis: the first hour")
    row.settings = {"ce_broker": {"provider": "50-1234", "course_number": "20-98765"}}
    db.session.commit()
    return row


@pytest.fixture
def gaps(db, sepsis):
    """Five learners: one complete, four each with a deliberate gap."""
    good, no_id, no_dob, no_consent, bad_state = cohort(sepsis, 5)
    no_id.board_id = no_id.npi = no_id.licence_number = None
    no_dob.birth_day = None
    no_consent.share_consent_at = None
    bad_state.licence_state = "Florida"
    over = cohort(sepsis, 1, start=5)[0]
    over.full_name = "Zoë Over-Max"
    db.session.commit()
    other = course("other")
    certificate(over, other, date(2026, 2, 2), [claim("ama_pra_1", "AMA", 3.0, cap=2.0)])
    # The over-max claim on this course, replacing the cohort certificate's claims.
    from course.models import Certificate

    cert = db.session.query(Certificate).filter_by(user_id=over.id, course_id=sepsis.id).one()
    cert.snapshot = {**cert.snapshot, "ce": {"claims": [claim("ama_pra_1", "AMA", 3.0, cap=2.0)]}}
    db.session.commit()
    return {
        "good": good,
        "no_id": no_id,
        "no_dob": no_dob,
        "no_consent": no_consent,
        "bad_state": bad_state,
        "over": over,
    }


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Disposition"].startswith("attachment")
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_pars_prevalidation_flags_each_gap(gaps, signed_in_admin, get_page) -> None:
    soup = get_page(f"{BASE}/pars")
    assert "2 rows would be accepted" in soup.select_one("#prevalidation-summary").get_text(
        " ", strip=True
    )
    flagged = {
        int(tr["data-user"]): tr.get_text(" ", strip=True)
        for tr in soup.select("#flagged tr[data-user]")
    }
    assert "Missing licence or board ID" in flagged[gaps["no_id"].id]
    assert "Missing date-of-birth parts" in flagged[gaps["no_dob"].id]
    assert "No consent" in flagged[gaps["no_consent"].id]
    assert "not a US state code" in flagged[gaps["bad_state"].id]
    assert "over the maximum of 2" in flagged[gaps["over"].id]
    assert gaps["good"].id not in flagged
    link = soup.select_one(f"#flagged tr[data-user='{gaps['no_id'].id}'] a")["href"]
    assert link == f"/ce/learners/{gaps['no_id'].id}/identifiers"


def test_pars_csv_columns_and_valid_rows_only(gaps, signed_in_admin, client) -> None:
    rows = rows_of(client.get(f"{BASE}/pars.csv"))
    assert rows[0] == [
        "First Name",
        "Last Name",
        "Date of Birth Month",
        "Date of Birth Day",
        "Board ID",
        "Licensing State",
        "License Number",
        "NPI",
        "Completion Date",
        "Credit Type",
        "Credits Claimed",
        "Permission to Share",
        "Certificate Code",
    ]
    assert len(rows) == 3  # the one complete learner's two claims
    first = rows[1]
    assert first[:9] == [
        "Learner",
        "Number0",
        "01",
        "01",
        "ABIM0",
        "FL",
        "ME00000",
        "1234567893",
        "02/01/2026",
    ]
    assert first[9:12] == ["AMA PRA Category 1 Credit™", "1.5", "Yes"]


def test_fixing_a_flagged_learner_adds_their_rows(gaps, signed_in_admin, client) -> None:
    learner = gaps["no_dob"]
    address = url("ce.learner_identifiers", user_id=learner.id)
    data = {
        "licence_number": "me-00002",
        "licence_state": "FL",
        "npi": "1234567893",
        "board_id": "ABIM2",
        "birth_month": "3",
        "birth_day": "3",
    }
    assert client.post(address, data=data).status_code == 302
    assert len(rows_of(client.get(f"{BASE}/pars.csv"))) == 5


def test_cebroker_layout_csv_and_xlsx(gaps, signed_in_admin, client, get_page) -> None:
    soup = get_page(f"{BASE}/cebroker")
    flagged = {int(tr["data-user"]) for tr in soup.select("#flagged tr[data-user]")}
    assert flagged == {
        gaps["no_id"].id,
        gaps["no_consent"].id,
        gaps["bad_state"].id,
        gaps["over"].id,
    }
    rows = rows_of(client.get(f"{BASE}/cebroker.csv"))
    assert rows[0][:2] == ["Provider Tracking Number", "Course Tracking Number"]
    assert rows[1] == [
        "1234",
        "98765",
        "",
        "",
        "ME00000",
        "02/01/2026",
        "State=FL",
        "Profession=MD",
        "",
        "1.5",
    ]
    book = load_workbook(io.BytesIO(client.get(f"{BASE}/cebroker.xlsx").data), read_only=True)
    cells = [[c or "" for c in r] for r in book.active.iter_rows(values_only=True)]
    book.close()
    assert cells[1] == rows[1]
    # One row per certificate (its first claim): good + no_dob (CE Broker needs no DOB).
    assert len(cells) == len(rows) == 3


def test_tracking_prefixes_are_stripped() -> None:
    assert Tracking.parse(" 50-1234 ", "20-98765").provider == "1234"
    assert Tracking.parse("50-1234", "20-98765").course == "98765"
    assert Tracking.parse("1234", "98765").course == "98765"


def test_date_range_and_bad_input(gaps, signed_in_admin, client) -> None:
    assert len(rows_of(client.get(f"{BASE}/pars.csv?start=2026-03-01"))) == 1
    assert client.get(f"{BASE}/pars?start=2026-13-01").status_code == 400
    assert client.get(f"{BASE}/pars.csv?start=2026-05-01&end=2026-01-01").status_code == 400
    assert client.get(f"{BASE}/pars.xlsx").status_code == 404
    assert client.get(url("ce.prevalidate", course_slug="sepsis", kind="nope")).status_code == 404
    assert client.get(f"{BASE}/cebroker?provider={'9' * 41}").status_code == 400


def test_activity_summary(course_content, signed_in_admin, client, get_page, db) -> None:
    cohort(course_content, 3)
    get_page("ce.activity_summary")
    rows = rows_of(client.get(url("ce.activity_summary_csv")))
    assert rows[0][:3] == ["Provider Activity ID", "Activity Type", "Activity Title"]
    line = rows[1]
    assert line[1] == "Enduring Material"
    assert line[7:9] == ["3", "0"]  # three physicians, no other learners
    assert line[9] == "No"
    assert line[10] == "Competence (final exam); Performance (follow-up survey at 30 days)"


def measure(client, count_queries, address: str) -> tuple[int, bytes]:
    with count_queries() as counter:
        response = client.get(address)
        body = response.get_data()
    assert response.status_code == 200
    return counter.count, body


@pytest.mark.parametrize(
    "address", [f"{BASE}/pars", f"{BASE}/pars.csv", f"{BASE}/cebroker.csv", f"{BASE}/cebroker.xlsx"]
)
def test_query_count_is_constant_from_10_to_1000_learners(
    sepsis, signed_in_admin, client, count_queries, address
) -> None:
    cohort(sepsis, 10)
    small, body_small = measure(client, count_queries, address)
    cohort(sepsis, 990, start=10)
    large, body_large = measure(client, count_queries, address)
    assert small == large, (small, large)
    if address.endswith(".csv"):
        per = 2 if "pars" in address else 1  # PARS: a row per claim; CE Broker: per certificate
        assert body_small.count(b"\n") == 1 + per * 10
        assert body_large.count(b"\n") == 1 + per * 1000
    print(f"QUERIES {address}: {small} at 10 learners, {large} at 1000")
