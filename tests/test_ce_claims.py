"""Credit designations and claims by profession, and what the certificate carries."""

from __future__ import annotations

import html
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from course.ce.activity import forget
from course.ce.claims import claim_problems
from course.certificates.eligibility import NotEligibleError, record_evaluation
from course.certificates.pdf import render_certificate_pdf
from course.dates import human_date
from course.models import CeActivity, CreditClaim, Role
from tests.certkit import EVALUATION, complete_course, issue_for, sync_course
from tests.conftest import url

AMA = (
    "Practicum designates this enduring material for a maximum of 1.5 AMA PRA Category 1 "
    "Credits™. Physicians should claim only the credit commensurate with the extent of their "
    "participation in the activity."
)
DESIGNATIONS = [
    {
        "credit_type": "ama_pra_1",
        "max_credits": 1.5,
        "professions": ["MD", "DO"],
        "statement": AMA,
        "provider_number": "ACCME-PRAC-001",
    },
    {
        "credit_type": "ancc",
        "max_credits": 1.75,
        "professions": ["RN", "NP"],
        "statement": "This activity provides a maximum of 1.75 ANCC contact hours.",
        "provider_number": "ANCC-P0001",
    },
    {
        "credit_type": "apa",
        "max_credits": 1.5,
        "professions": ["PhD/PsyD"],
        "statement": "Practicum is approved by the APA to sponsor CE; 1.5 CE credits.",
        "provider_number": "APA-1234",
    },
    {
        "credit_type": "aswb_ace",
        "max_credits": 1.5,
        "professions": ["LCSW"],
        "statement": "Social workers completing this course receive 1.5 ASWB ACE CE hours.",
        "provider_number": "ACE-1500",
    },
    {
        "credit_type": "nbcc",
        "max_credits": 1.5,
        "professions": ["LPC", "LMFT"],
        "statement": "Counselors receive a maximum of 1.5 NBCC clock hours.",
        "provider_number": "NBCC-7000",
    },
    {
        "credit_type": "ipce",
        "max_credits": 1.5,
        "professions": ["PA", "CRNA"],
        "statement": "This activity was planned by and for the healthcare team, and learners will "
        "receive 1.5 Interprofessional Continuing Education (IPCE) credit for learning and change.",
        "provider_number": "JA-0000001",
    },
    {
        "credit_type": "participation",
        "max_credits": 1.75,
        "professions": [],
        "statement": "Other learners receive a certificate of participation for up to 1.75 hours.",
    },
]
ACCREDITED = {
    "accredited": True,
    "statement": "In support of improving patient care, Practicum is jointly accredited.",
    "credits": [],
}
PROFESSION_FOR = {
    "ama_pra_1": "MD", "ancc": "RN", "apa": "PhD/PsyD", "aswb_ace": "LCSW",
    "nbcc": "LPC", "ipce": "PA", "participation": "Other",
}  # fmt: skip


@pytest.fixture
def course_content(db):
    """The real lessons, made an accredited activity with every credit type."""
    course = sync_course()
    course.accreditation = ACCREDITED
    row = db.session.scalar(select(CeActivity).where(CeActivity.course_id == course.id))
    row.designations = DESIGNATIONS
    db.session.commit()
    forget(course)
    return course


def completed(db, course, make_user, profession: str, **extra: object):
    learner = make_user(profession=profession, **extra)
    complete_course(learner.id, course)
    record_evaluation(learner.id, course, EVALUATION)
    db.session.commit()
    return learner


def text_of(response) -> str:
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


def pdf_pages(pdf: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def test_an_md_can_claim_ama_credit_and_an_rn_cannot(
    client, db, course_content, make_user, login
) -> None:
    address = url("ce.claim", course_slug=course_content.slug)
    md = login(completed(db, course_content, make_user, "MD"))
    page = client.get(address)
    assert 'name="claim_ama_pra_1"' in page.get_data(as_text=True)
    client.post(url("auth.logout"))
    login(completed(db, course_content, make_user, "RN"))
    page = client.get(address).get_data(as_text=True)
    assert 'name="claim_ama_pra_1"' not in page
    assert 'name="claim_ancc"' in page
    refused = client.post(
        address,
        data={"hours": "1.5", "claim_ancc": "1.5", "claim_ama_pra_1": "1.5", "confirm": "y"},
    )
    assert refused.status_code == 400
    assert "claim_ama_pra_1: AMA PRA Category 1 Credit™ is not open to your profession (RN)" in (
        text_of(refused)
    )
    assert db.session.scalar(select(CreditClaim)) is None
    client.post(url("auth.logout"))
    login(md)
    done = client.post(address, data={"hours": "1.75", "claim_ama_pra_1": "1.5", "confirm": "y"})
    assert done.status_code == 302
    claim = db.session.scalar(select(CreditClaim))
    assert (claim.credit_type, claim.amount, claim.profession) == ("ama_pra_1", 1.5, "MD")


@pytest.mark.parametrize(
    ("hours", "amount", "message"),
    [
        ("1.5", "1e100", "You can claim at most 1.5"),
        ("1.5", "-1", "Credit must be more than 0."),
        ("1.5", "0", "Credit must be more than 0."),
        ("1.5", "0.3", "quarter-hour steps"),
        ("1.5", "abc", "Enter the credit as a number"),
        ("1.5", "NaN", "Enter the credit as a number"),
        ("1.5", "Infinity", "Enter the credit as a number"),
        ("1.5", "1\x00", "The field claim_ama_pra_1 contains a NUL byte"),  # refused first
        ("1.5", "9" * 5000, "Enter the credit as a number"),
        ("1.5", "", "Enter the credit you claim"),
        ("1", "1.5", "You can claim at most 1.0 "),  # not more than the time spent
        ("1e100", "1.5", "Hours cannot exceed the course maximum"),
        ("-2", "1.5", "Hours must be more than 0."),
    ],
)
def test_bad_claims_get_a_clear_message_naming_the_field(
    client, db, course_content, make_user, login, hours, amount, message
) -> None:
    login(completed(db, course_content, make_user, "MD"))
    response = client.post(
        url("ce.claim", course_slug=course_content.slug),
        data={"hours": hours, "claim_ama_pra_1": amount, "confirm": "y"},
    )
    assert response.status_code == 400
    assert message in text_of(response)
    assert db.session.scalar(select(CreditClaim)) is None


def test_a_profession_change_revalidates_the_claim(
    app, client, db, course_content, make_user, login
) -> None:
    admin = make_user(role=Role.ADMIN)
    learner = login(completed(db, course_content, make_user, "RN"))
    address = url("ce.claim", course_slug=course_content.slug)
    client.post(address, data={"hours": "1.75", "claim_ancc": "1.75", "confirm": "y"})
    learner.profession = "MD"  # after completion, before issue
    db.session.commit()
    notice = text_of(client.get(url("learning.course_page", course_slug=course_content.slug)))
    assert 'data-testid="claim-problem">The credit claimed as RN' in notice
    assert "the claim must be made again." in notice
    problems = claim_problems(learner, course_content)
    assert problems
    assert "the claim must be made again" in problems[0]
    with pytest.raises(NotEligibleError, match="claimed as RN"):
        issue_for(learner, course_content, admin)
    db.session.rollback()
    again = client.post(address, data={"hours": "1.75", "claim_ama_pra_1": "1.5", "confirm": "y"})
    assert again.status_code == 302
    certificate = issue_for(learner, course_content, admin)
    claims = certificate.snapshot["ce"]["claims"]
    assert [(c["credit_type"], c["amount"]) for c in claims] == [("ama_pra_1", 1.5)]


def test_a_profession_eligible_for_nothing_is_offered_participation(
    client, db, course_content, make_user, login
) -> None:
    login(completed(db, course_content, make_user, "Other"))
    page = client.get(url("ce.claim", course_slug=course_content.slug))
    assert 'data-testid="participation-only"' in page.get_data(as_text=True)
    done = client.post(
        url("ce.claim", course_slug=course_content.slug), data={"hours": "1.25", "confirm": "y"}
    )
    assert done.status_code == 302


@pytest.mark.parametrize("designation", DESIGNATIONS, ids=lambda d: d["credit_type"])
def test_each_credit_type_prints_its_statement_verbatim(
    app, client, db, course_content, make_user, login, designation
) -> None:
    kind = designation["credit_type"]
    learner = login(
        completed(
            db, course_content, make_user, PROFESSION_FOR[kind],
            licence_number="LN-42", licence_state="OR",
        )
    )  # fmt: skip
    data = {"hours": "1.25", "confirm": "y"}
    if kind != "participation":
        data[f"claim_{kind}"] = "1.25"
    assert (
        client.post(url("ce.claim", course_slug=course_content.slug), data=data).status_code == 302
    )
    certificate = issue_for(learner, course_content, make_user(role=Role.ADMIN))
    db.session.commit()
    snap = certificate.snapshot
    first, second = pdf_pages(render_certificate_pdf(snap, "https://example.org/verify/x"))
    assert designation["statement"] in second
    assert "1.25 claimed" in second
    assert f"{designation['max_credits']:g} claimed" not in second
    if designation.get("provider_number"):
        assert f"Provider or approval number: {designation['provider_number']}" in second
    for fact in (
        "Format: Enduring material, internet",
        "released 26 November 2026",
        "expires 25 November 2029",
        f"{learner.full_name}, {PROFESSION_FOR[kind]}",
        "licence no. LN-42 (OR)",
        f"Completed {human_date(snap['completion_date'])}",
    ):
        assert fact in second, fact
    subject = certificate.credential["credentialSubject"]
    assert subject["creditsEarned"] == 1.25
    assert subject["achievement"]["creditsAvailable"] == designation["max_credits"]
    if kind == "ama_pra_1":
        assert "AMA PRA Category 1 Credit™: 1.25" in first


def test_two_claims_give_two_credentials_each_with_its_credits(
    app, client, db, course_content, make_user, login
) -> None:
    from course.certificates import credential as vc
    from course.models import ClaimCredential

    row = db.session.scalar(select(CeActivity))
    row.designations = [
        {**d, "professions": ["NP", "PA"]} if d["credit_type"] == "ipce" else d
        for d in DESIGNATIONS
    ]
    db.session.commit()
    forget(course_content)
    learner = login(completed(db, course_content, make_user, "NP"))
    data = {"hours": "1.75", "claim_ancc": "1.5", "claim_ipce": "1.25", "confirm": "y"}
    assert (
        client.post(url("ce.claim", course_slug=course_content.slug), data=data).status_code == 302
    )
    certificate = issue_for(learner, course_content, make_user(role=Role.ADMIN))
    db.session.commit()
    main = certificate.credential["credentialSubject"]
    assert main["creditsEarned"] == 1.5
    assert main["achievement"]["name"].endswith("(ANCC contact hours)")
    extra = db.session.scalar(select(ClaimCredential))
    subject = extra.credential["credentialSubject"]
    assert (extra.credit_type, subject["creditsEarned"]) == ("ipce", 1.25)
    assert subject["achievement"]["creditsAvailable"] == 1.5
    assert subject["achievement"]["id"].endswith("#ipce")
    assert subject["achievement"]["name"].endswith("(IPCE credit)")
    assert extra.credential["credentialStatus"] == certificate.credential["credentialStatus"]
    assert vc.verify_proof(extra.credential).ok
    address = url("ce.claim_credential", code=certificate.code, credit_type="ipce")
    assert client.get(address).get_json() == extra.credential
    assert (
        client.get(url("ce.claim_credential", code=certificate.code, credit_type="apa")).status_code
        == 404
    )
    page = client.get(url("certificates.mine")).get_data(as_text=True)
    assert "Signed credential: ipce (JSON)" in page


def test_long_statements_flow_onto_a_further_page_instead_of_being_cut() -> None:
    statement = "Word " * 900 + "THE-LAST-WORD"
    snap = {
        "code": "PRAC-TEST-TEST-TEST-T", "full_name": "A Learner", "credential": "MD",
        "course_title": "A course", "completion_date": "2027-01-02",
        "issued_at": "2027-01-02T10:00:00+00:00", "hours": 1.0,
        "ce": {"format": "Enduring material, internet", "claims": [
            {"credit_type": "ama_pra_1", "label": "AMA", "amount": 1.0, "max": 1.5,
             "statement": statement},
        ]},
    }  # fmt: skip
    pages = pdf_pages(render_certificate_pdf(snap, "https://example.org/verify/x"))
    assert len(pages) >= 3
    assert "THE-LAST-WORD" in pages[-1]
