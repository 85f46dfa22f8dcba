"""Certificates, learner side: codes, eligibility steps, evaluation and attestation, credit wording,
and automatic issue."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from course.certificates import codes
from course.certificates.eligibility import (
    NotEligibleError,
    credit_for,
    hours_problem,
    load_eligibility,
)
from course.certificates.issuer import current_issuer
from course.certificates.services import issue_certificate
from course.models import AuditEntry, Certificate, CourseEvaluation, Role, TimeAttestation
from tests.certkit import (
    ACCREDITED,
    EVALUATION,
    complete_course,
    make_eligible,
    sync_course,
)
from tests.conftest import url

EVAL_FORM = {
    "objectives_met": "5",
    "relevance": "4",
    "free_of_bias": "yes",
    "intended_change": "Screen for psychosis history first.",
}


@pytest.fixture
def course_content(db):
    """Certificate tests use the real lessons without question pools (see sync_course)."""
    return sync_course()


@pytest.fixture
def course(course_content):
    return course_content


@pytest.fixture
def signed_in_zoe(make_user, login):
    return login(make_user(full_name="Zoë Łukasiewicz-Núñez", profession="NP"))


# --- codes ---------------------------------------------------------------------------------


def test_codes_are_grouped_crockford_with_check_and_60_random_bits() -> None:
    code = codes.new_code()
    prefix, *groups, check = code.split("-")
    assert prefix == "PRAC"
    assert [len(g) for g in groups] == [4, 4, 4]
    assert len(check) == 1
    body = "".join(groups)
    assert set(body + check) <= set(codes.ALPHABET)
    assert len(codes.ALPHABET) ** codes.RANDOM_SYMBOLS >= 2**60
    assert codes.check_symbol(body) == check
    assert len({codes.new_code() for _ in range(2000)}) == 2000


@given(st.text(alphabet=codes.ALPHABET, min_size=12, max_size=12))
def test_typed_codes_normalise_whatever_the_case_spacing_and_dashes(body: str) -> None:
    code = f"PRAC-{body[:4]}-{body[4:8]}-{body[8:]}-{codes.check_symbol(body)}"
    assert codes.normalise(code) == code
    assert codes.normalise(code.lower().replace("-", " ")) == code
    assert codes.normalise("  " + code.replace("-", "").lower() + " ") == code
    assert codes.normalise(code.removeprefix("PRAC-")) == code
    assert codes.normalise(code.replace("0", "o").replace("1", "l")) == code


@given(st.text(alphabet=codes.ALPHABET, min_size=12, max_size=12), st.integers(0, 12))
def test_a_single_mistyped_symbol_is_caught(body: str, position: int) -> None:
    full = body + codes.check_symbol(body)
    wrong = codes.ALPHABET[(codes.ALPHABET.index(full[position]) + 7) % 32]
    typo = full[:position] + wrong + full[position + 1 :]
    assert codes.normalise(typo) is None


def test_garbage_is_not_a_code() -> None:
    assert codes.normalise("") is None
    assert codes.normalise("PRAC-1234") is None
    assert codes.normalise("PRAC-UUUU-UUUU-UUUU-U") is None


# --- hours ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("1.75", None),
        ("0.25", None),
        ("2", None),
        ("0", "more than 0"),
        ("-1", "more than 0"),
        ("1.3", "multiple of 0.25"),
        ("2.25", "maximum of 2.0"),
        ("abc", "as a number"),
        ("nan", "more than 0"),
    ],
)
def test_hours_rules(value: str, problem: str | None) -> None:
    result = hours_problem(value, 2.0)
    assert (result is None) if problem is None else (problem in result)


# --- eligibility --------------------------------------------------------------------------------


def test_each_missing_step_blocks_issue_with_the_reason(app, db, course, make_user) -> None:
    admin = make_user(role=Role.ADMIN)
    user = make_user()
    issuer_ctx = app.test_request_context()
    issuer_ctx.push()
    try:
        issuer = current_issuer()
        with pytest.raises(NotEligibleError, match="complete every module"):
            issue_certificate(user, course, issuer, admin)
        complete_course(user.id, course)
        with pytest.raises(NotEligibleError, match="submit the course evaluation") as exc:
            issue_certificate(user, course, issuer, admin)
        assert "attest the time" in str(exc.value)
        from course.certificates.eligibility import record_attestation, record_evaluation

        record_evaluation(user.id, course, EVALUATION)
        with pytest.raises(NotEligibleError, match="attest the time") as exc:
            issue_certificate(user, course, issuer, admin)
        assert "evaluation" not in str(exc.value)
        record_attestation(user.id, course, 1.5)
        assert issue_certificate(user, course, issuer, admin).status.value == "valid"
    finally:
        issuer_ctx.pop()


def test_final_exam_not_passed_blocks(db, course, make_user) -> None:
    user = make_user()
    complete_course(user.id, course)
    from course.models import Attempt

    for attempt in db.session.scalars(select(Attempt).where(Attempt.user_id == user.id)):
        attempt.passed = False
    db.session.commit()
    elig = load_eligibility(user.id, course)
    assert [s.key for s in elig.missing][:1] == ["final"]
    assert "pass the final exam" in elig.reason


def test_course_page_lists_the_steps_remaining(client, course, signed_in_zoe, get_page) -> None:
    client.post(url("learning.enroll_course", course_slug=course.slug))
    soup = get_page("learning.course_page", course_slug=course.slug)
    steps = soup.select("[data-testid=certificate-steps] li")
    assert [li["data-step"] for li in steps] == ["modules", "final", "evaluation", "attestation"]
    assert all("To do" in li.get_text() for li in steps)
    assert "0 of 7 complete" in steps[0].get_text()
    assert not soup.select("[data-testid=certificate-steps] a[href$='/evaluation']")


def test_steps_open_once_the_course_is_complete(
    client, db, course, signed_in_zoe, get_page
) -> None:
    assert client.get(url("certificates.evaluation", course_slug=course.slug)).status_code == 302
    complete_course(signed_in_zoe.id, course)
    db.session.commit()
    soup = get_page("learning.course_page", course_slug=course.slug)
    box = soup.select_one("[data-testid=certificate-steps]")
    done = [li["data-step"] for li in box.select("li") if "Done" in li.get_text()]
    assert done == ["modules", "final"]
    assert box.select_one("a[href$='/evaluation']")
    assert box.select_one("a[href$='/attestation']")
    get_page("certificates.evaluation", course_slug=course.slug)
    get_page("certificates.attestation", course_slug=course.slug)


# --- evaluation form ----------------------------------------------------------------------------


def test_evaluation_is_validated_field_by_field(
    client, db, course, signed_in_zoe, get_page
) -> None:
    complete_course(signed_in_zoe.id, course)
    db.session.commit()
    address = url("certificates.evaluation", course_slug=course.slug)
    response = client.post(address, data={"objectives_met": "9", "free_of_bias": "no"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Not a valid choice" in html  # objectives 9 is outside 1-5
    assert "rating from 1 to 5 for relevance" in html
    assert "Describe the commercial bias" in html
    assert "Describe the change you intend" in html
    assert db.session.scalar(select(CourseEvaluation)) is None

    response = client.post(address, data=EVAL_FORM)
    assert response.status_code == 302
    row = db.session.scalars(select(CourseEvaluation)).one()
    assert (row.objectives_met, row.relevance, row.free_of_bias) == (5, 4, True)
    assert row.intended_change == "Screen for psychosis history first."
    # A second submission changes nothing.
    again = client.post(address, data={**EVAL_FORM, "objectives_met": "1"})
    assert again.status_code == 302
    assert db.session.scalars(select(CourseEvaluation)).one().objectives_met == 5


def test_attestation_is_validated(client, db, course, signed_in_zoe) -> None:
    complete_course(signed_in_zoe.id, course)
    db.session.commit()
    address = url("certificates.attestation", course_slug=course.slug)
    cases = {"1.3": "multiple of 0.25", "0": "more than 0", "2.0": "maximum of 1.75", "": "Enter"}
    for hours, message in cases.items():
        response = client.post(address, data={"hours": hours, "confirm": "y"})
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    response = client.post(address, data={"hours": "1.75"})
    assert response.status_code == 400
    assert "Tick the box" in response.get_data(as_text=True)
    assert db.session.scalar(select(TimeAttestation)) is None
    assert client.post(address, data={"hours": "1.25", "confirm": "y"}).status_code == 302
    assert client.post(address, data={"hours": "1.75", "confirm": "y"}).status_code == 302
    assert db.session.scalars(select(TimeAttestation)).one().hours == 1.75


def test_approval_policy_waits_for_an_admin(client, db, course, signed_in_zoe, get_page) -> None:
    complete_course(signed_in_zoe.id, course)
    db.session.commit()
    client.post(url("certificates.evaluation", course_slug=course.slug), data=EVAL_FORM)
    client.post(
        url("certificates.attestation", course_slug=course.slug),
        data={"hours": "1.5", "confirm": "y"},
    )
    assert db.session.scalar(select(Certificate)) is None
    text = get_page("learning.course_page", course_slug=course.slug).get_text(" ", strip=True)
    assert "an administrator will review and issue your certificate" in text


def test_auto_policy_issues_on_the_last_step(client, db, course, signed_in_zoe, get_page) -> None:
    course.settings = {**course.settings, "certificate_policy": "auto"}
    complete_course(signed_in_zoe.id, course)
    db.session.commit()
    client.post(
        url("certificates.attestation", course_slug=course.slug),
        data={"hours": "1.5", "confirm": "y"},
    )
    assert db.session.scalar(select(Certificate)) is None  # evaluation still missing
    response = client.post(url("certificates.evaluation", course_slug=course.slug), data=EVAL_FORM)
    assert response.headers["Location"].endswith("/certificates")
    certificate = db.session.scalars(select(Certificate)).one()
    assert certificate.issued_by_id is None
    assert certificate.snapshot["issued_by"] == {"system": True}
    entry = db.session.scalars(select(AuditEntry)).one()
    assert (entry.actor_id, entry.action) == (None, "certificate.issue")
    assert entry.details["auto"] is True
    assert entry.details["trigger"] == "evaluation"
    page = get_page("certificates.mine")
    assert certificate.code in page.get_text()


# --- credit wording -----------------------------------------------------------------------------


def test_unaccredited_course_gives_participation_hours_and_claims_no_credit(course) -> None:
    """'Contact hours' is accredited nursing-CE wording; an unaccredited course never prints it."""
    for profession in ("MD", "NP", "RN", "Other"):
        credit = credit_for(course, profession, 1.75)
        assert credit.title == "Certificate of Completion"
        assert credit.line == "1.75 hours of participation"
        assert "contact" not in credit.line + credit.statement
        assert "AMA" not in credit.line + credit.statement
        assert credit.statement == course.accreditation["statement"].strip()


def test_accredited_course_gives_ama_credit_to_physicians_only(db, course) -> None:
    course.accreditation = ACCREDITED
    for profession in ("MD", "DO"):
        credit = credit_for(course, profession, 1.75)
        assert credit.title == "Certificate of Credit"
        assert credit.credit_type == "AMA PRA Category 1 Credit™"
        assert credit.amount == 1.5  # capped at the designated maximum
        assert credit.line == "AMA PRA Category 1 Credit™: 1.5"
        assert "designates this enduring material" in credit.statement
        assert "accredited by the ACCME" in credit.statement
    for profession in ("NP", "RN", "PhD/PsyD", "Other"):
        credit = credit_for(course, profession, 1.75)
        assert credit.title == "Certificate of Participation"
        assert credit.line == "1.75 hours of participation"
        assert "AMA" not in credit.line
        assert credit.credit_type == "participation"
        assert "certificate of participation" in credit.statement


def test_eligible_learner_snapshot_uses_the_learners_profession(app, db, course, make_user) -> None:
    course.accreditation = ACCREDITED
    db.session.commit()
    doctor = make_user(profession="MD")
    nurse = make_user(profession="RN")
    admin = make_user(role=Role.ADMIN)
    for user in (doctor, nurse):
        make_eligible(user.id, course, hours=1.75)
    with app.test_request_context():
        issuer = current_issuer()
        md = issue_certificate(doctor, course, issuer, admin).snapshot
        rn = issue_certificate(nurse, course, issuer, admin).snapshot
    assert md["credit_line"].startswith("AMA PRA Category 1 Credit™")
    assert rn["certificate_title"] == "Certificate of Participation"
    assert "AMA" not in rn["credit_line"]


def test_keys_ensure_creates_a_key_only_when_none_exists(app, tmp_path) -> None:
    from course.certificates.keys import load_keyring

    app.config["CERTIFICATE_KEYS_DIR"] = str(tmp_path / "keys")
    (tmp_path / "keys").mkdir()  # an empty folder must still get a key
    runner = app.test_cli_runner()
    first = runner.invoke(args=["keys", "ensure"])
    assert first.exit_code == 0, first.output
    assert "Generated signing key" in first.output
    second = runner.invoke(args=["keys", "ensure"])
    assert second.exit_code == 0
    assert second.output == ""
    assert len(load_keyring(tmp_path / "keys").keys) == 1
    rotated = runner.invoke(args=["keys", "generate"])
    assert rotated.exit_code == 0
    assert len(load_keyring(tmp_path / "keys").keys) == 2
