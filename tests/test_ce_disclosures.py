"""Disclosures (ACCME Standard 3): validation, publish blocking, and the instructors' editor."""

from __future__ import annotations

import html
from datetime import UTC, datetime

import pytest
import yaml
from pydantic import ValidationError
from sqlalchemy import select

from course import clock
from course.ce.schema import Person
from course.models import AuditEntry, CeActivity, Course, Module, PublishStatus, Role
from tests.conftest import url

NOW = datetime(2027, 1, 15, 12, 0, tzinfo=UTC)


def person(**extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Dana Planner",
        "role": "planner",
        "credentials": "MD",
        "disclosed_on": "2026-12-01",
    }
    data.update(extra)
    return data


REL = {"company": "Acme Pharma", "nature": "Speakers' bureau"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (person(), "set nothing_to_disclose: true"),
        (person(nothing_to_disclose=True, relationships=[REL]), "must be empty"),
        (person(relationships=[{**REL, "ended": "2024-01-01"}]), "relationships.0.ended"),
        (person(relationships=[{**REL, "mitigation": "other"}]), "mitigation_note"),
        (person(relationships=[{**REL, "mitigation": "bribed"}]), "mitigation"),
        (person(role="sponsor", nothing_to_disclose=True), "role"),
        (person(name="Bad\x00Name", nothing_to_disclose=True), "NUL"),
    ],
)
def test_disclosure_rules_name_the_field(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Person.model_validate(data)
    assert message in str(caught.value)


@pytest.fixture
def draft(db) -> Course:
    """A draft course with a published module, ready to publish but for its disclosures."""
    course = Course(slug="draft-ce", title="Draft CE course", status=PublishStatus.DRAFT)
    module = Module(
        course=course,
        slug="m1",
        title="Module one",
        position=1,
        objectives=["One thing", "Another thing"],
        body_md="Text.",
        body_html="<p>Text.</p>",
    )
    db.session.add_all([course, module])
    db.session.commit()
    return course


def set_disclosures(db, course: Course, people: list[dict[str, object]]) -> None:
    db.session.add(CeActivity(course=course, disclosures={"people": people}, designations=[]))
    db.session.commit()


@pytest.mark.parametrize(
    ("people", "reason"),
    [
        (
            [person(relationships=[REL])],
            "the relationship with Acme Pharma (Speakers' bureau) has no mitigation step",
        ),
        ([person(disclosed_on="2025-12-01", nothing_to_disclose=True)], "is older than 12 months"),
    ],
)
def test_publishing_is_blocked_with_the_reason_shown(
    client,
    db,
    draft,
    staff,
    monkeypatch,
    people,
    reason,
) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    set_disclosures(db, draft, people)
    response = client.post(
        url("instructor.course_publish", course_slug=draft.slug), follow_redirects=True
    )
    assert reason in html.unescape(response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Course, draft.id).status == PublishStatus.DRAFT
    editor = client.get(url("ce.edit", course_slug=draft.slug, block="disclosures")).get_data(
        as_text=True
    )
    assert reason in html.unescape(editor)  # the instructor sees exactly what blocks it


def test_mitigated_and_fresh_disclosures_publish(client, db, draft, staff, monkeypatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    set_disclosures(
        db,
        draft,
        [
            person(relationships=[{**REL, "mitigation": "peer_review"}]),
            person(name="Lee", nothing_to_disclose=True),
        ],
    )
    client.post(url("instructor.course_publish", course_slug=draft.slug))
    db.session.expire_all()
    assert db.session.get(Course, draft.id).status == PublishStatus.PUBLISHED


def test_editor_saves_valid_yaml_and_audits_it(client, db, course_content, staff, get_page) -> None:
    address = url("ce.edit", course_slug=course_content.slug, block="disclosures")
    page = get_page(address)
    text = page.find("textarea").get_text()
    assert "Psychedelic Support" in text
    data = yaml.safe_load(text)
    data["disclosures"]["people"].append(
        person(name="Sam Reviewer", role="reviewer", nothing_to_disclose=True)
    )
    response = client.post(address, data={"text": yaml.safe_dump(data)})
    assert response.status_code == 302
    activity = client.get(url("ce.activity", course_slug=course_content.slug)).get_data(
        as_text=True
    )
    assert (
        "Sam Reviewer has no relevant financial relationships with ineligible companies" in activity
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "ce.edit"))
    assert entry.details["block"] == "disclosures"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("people: [\n  - name: x\n", "line"),
        ("people: []\nbogus: 1\n", "disclosures.bogus: Extra inputs are not permitted"),
        ("people:\n- name: A\x00B\n", "NUL"),
        (
            "people:\n- {name: Al, role: planner, credentials: MD, disclosed_on: 2026-13-45,"
            " nothing_to_disclose: true}\n",
            "disclosures.people.0.disclosed_on",
        ),
        ("x" * 100_001, "at most 100,000 characters"),
    ],
)
def test_editor_rejects_bad_input_naming_the_field(
    client,
    course_content,
    staff,
    text,
    message,
) -> None:
    response = client.post(
        url("ce.edit", course_slug=course_content.slug, block="disclosures"), data={"text": text}
    )
    assert response.status_code == 400
    assert message in html.unescape(response.get_data(as_text=True))


def test_editor_validates_designations_against_accreditation(client, course_content, staff) -> None:
    text = (
        "- credit_type: ama_pra_1\n  max_credits: 1.5\n  professions: [MD]\n  provider_number: P1\n"
        "  statement: Practicum designates this enduring material for a maximum of 1.5 AMA PRA "
        "Category 1 Credits™. Physicians should claim only the credit commensurate with the "
        "extent of their participation in the activity.\n"
    )
    response = client.post(
        url("ce.edit", course_slug=course_content.slug, block="designations"), data={"text": text}
    )
    assert response.status_code == 400
    assert "a course that is not accredited can only offer participation" in response.get_data(
        as_text=True
    )


def test_learners_cannot_edit(client, course_content, make_user, login) -> None:
    login(make_user(role=Role.LEARNER))  # the matrix checks GET; this is the POST
    assert (
        client.post(
            url("ce.edit", course_slug=course_content.slug, block="activity"), data={"text": ""}
        ).status_code
        == 403
    )


def test_a_provider_makes_the_course_accredited_in_the_ui(client, db, course_content, staff):
    from course.ce.registry import AMA_CLAIM_SENTENCE

    base = f"/ce/courses/{course_content.slug}"
    ama = (
        "- credit_type: ama_pra_1\n  max_credits: 1.5\n  professions: [MD, DO]\n"
        "  provider_number: P1\n  statement: Practicum designates this enduring material for a "
        f"maximum of 1.5 AMA PRA Category 1 Credits™. {AMA_CLAIM_SENTENCE}\n"
    )
    accredited = "accredited: true\nstatement: Practicum is accredited by the ACCME.\n"
    assert client.post(f"{base}/accreditation", data={"text": accredited}).status_code == 302
    blocked = html.unescape(client.get(f"{base}/designations").get_data(as_text=True))
    assert "accredited but designates no credit" in blocked
    assert client.post(f"{base}/designations", data={"text": ama}).status_code == 302
    back = "accredited: false\nstatement: This activity is not accredited.\n"
    refused = client.post(f"{base}/accreditation", data={"text": back})
    assert refused.status_code == 400
    assert "accreditation.accredited: the course still designates accredited credit" in (
        html.unescape(refused.get_data(as_text=True))
    )
    db.session.expire_all()
    assert db.session.get(Course, course_content.id).accreditation["accredited"] is True
    page = html.unescape(
        client.get(url("ce.activity", course_slug=course_content.slug)).get_data(as_text=True)
    )
    assert AMA_CLAIM_SENTENCE in page
