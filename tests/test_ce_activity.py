"""CE activity information: course.yaml blocks, the activity page, and its acknowledgement."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from course import clock
from course.content.loader import load_content
from course.content.sync import sync_bundle
from course.models import ActivityAcknowledgement, CeActivity, Role
from tests.conftest import url

ROOT = Path(__file__).resolve().parent.parent
FIXED = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def app_config() -> dict[str, object]:
    """These tests need the acknowledgement gate the other suites switch off."""
    return {"CE_ACKNOWLEDGEMENT_GATE": True}


def first_module_url(course) -> str:
    return f"/courses/{course.slug}/modules/{course.modules[0].slug}"


def test_real_course_syncs_its_activity_and_a_plain_course_has_none(db, course_content) -> None:
    row = db.session.scalar(select(CeActivity).where(CeActivity.course_id == course_content.id))
    assert row is not None
    assert row.info["format"] == "Enduring material, internet"
    assert [d["credit_type"] for d in row.designations] == ["participation"]
    bundle = load_content(ROOT / "tests" / "content" / "valid", None)
    report = sync_bundle(bundle)
    assert not any(label.startswith("activity fixture") for label in report.added)
    again = sync_bundle(load_content(ROOT / "modules", ROOT / "quizzes"))
    assert f"activity {course_content.slug}" in again.unchanged


def test_learner_must_acknowledge_before_module_one(
    client, db, course_content, make_user, login, get_page, monkeypatch
) -> None:
    learner = login(make_user(profession="RN"))
    response = client.post(url("learning.enroll_course", course_slug=course_content.slug))
    assert response.status_code == 302
    opened = client.get(response.headers["Location"])
    assert opened.status_code == 302
    assert opened.headers["Location"].endswith(f"/courses/{course_content.slug}/activity")

    page = get_page("ce.activity", course_slug=course_content.slug)
    text = " ".join(page.get_text(" ").split())
    for expected in (
        "Psychedelic Support",
        "Marie Hasty, RN",
        "sells ketamine training",
        "All relevant financial relationships listed for these individuals have been mitigated.",
        "not approved by the US Food and Drug Administration",
        "Release date 26 November 2026",
        "Expiry (termination) date 25 November 2029",
        "Not accredited.",
        "Enduring material, internet",
    ):
        assert expected in text, expected
    assert not page.find("img")  # no company logos

    refused = client.post(url("ce.acknowledge_activity", course_slug=course_content.slug), data={})
    assert refused.status_code == 400
    assert "Tick the box to acknowledge" in refused.get_data(as_text=True)
    assert db.session.scalar(select(ActivityAcknowledgement)) is None

    monkeypatch.setattr(clock, "now", lambda: FIXED)
    done = client.post(
        url("ce.acknowledge_activity", course_slug=course_content.slug), data={"confirm": "y"}
    )
    assert done.headers["Location"].endswith(first_module_url(course_content))
    ack = db.session.scalar(select(ActivityAcknowledgement))
    assert (ack.user_id, ack.acknowledged_at) == (learner.id, FIXED)
    assert client.get(first_module_url(course_content)).status_code == 200
    again = client.post(
        url("ce.acknowledge_activity", course_slug=course_content.slug), data={"confirm": "y"}
    )
    assert again.status_code == 302
    assert db.session.query(ActivityAcknowledgement).count() == 1  # once, first time kept


def test_quizzes_are_gated_too_and_staff_preview_freely(
    client, course_content, make_user, login
) -> None:
    login(make_user())
    client.post(url("learning.enroll_course", course_slug=course_content.slug))
    quiz = course_content.quizzes[0]
    assert (
        client.get(url("quiz.overview", quiz_id=quiz.id)).headers["Location"].endswith("/activity")
    )
    client.post(url("auth.logout"))
    staff = make_user(role=Role.INSTRUCTOR)
    login(staff)
    assert client.get(first_module_url(course_content)).status_code == 200


def test_course_page_shows_the_short_form(client, course_content, get_page) -> None:
    page = get_page("learning.course_page", course_slug=course_content.slug)
    summary = page.find(attrs={"data-testid": "ce-summary"})
    text = " ".join(summary.get_text(" ").split())
    assert "expires 25 November 2029" in text
    assert "Hours of participation (up to 1.75)" in text
    assert "not accredited" in text


def test_a_course_without_an_activity_block_has_no_gate(client, db, make_user, login) -> None:
    bundle = load_content(ROOT / "tests" / "content" / "valid", None)
    sync_bundle(bundle)
    db.session.commit()
    login(make_user())
    client.post(url("learning.enroll_course", course_slug="fixture-course"))
    assert (
        client.get(
            url("learning.module", course_slug="fixture-course", module_slug="alpha")
        ).status_code
        == 200
    )
    assert client.get(url("ce.activity", course_slug="fixture-course")).status_code == 404


def test_privacy_page(get_page) -> None:
    assert get_page("ce.privacy").h1.get_text() == "Privacy policy"


def test_lint_names_the_field_and_line_of_bad_ce_blocks(tmp_path) -> None:
    import shutil

    folder = tmp_path / "modules"
    shutil.copytree(ROOT / "modules", folder)
    path = folder / "course.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  release_date: 2026-11-26", "  release_date: 2026-13-26")
    text = text.replace(
        "- credit_type: participation\n", "- credit_type: ama_pra_1\n  professions: [RN]\n"
    )
    path.write_text(text, encoding="utf-8")
    problems = [str(p) for p in load_content(folder, None).problems]
    assert any("activity.release_date" in p and "month value is outside" in p for p in problems)
    assert any("designations.0" in p and "is for DO, MD only" in p for p in problems)
    assert all(":1:" not in p for p in problems)  # located on their lines, not line 1


def test_export_writes_the_blocks_back_as_course_yaml(app, db, course_content) -> None:
    import yaml

    from course.content.schema import CourseFile

    result = app.test_cli_runner().invoke(args=["ce", "export", course_content.slug])
    assert result.exit_code == 0, result.output
    exported = yaml.safe_load(result.output)
    assert set(exported) == {"activity", "disclosures", "designations", "accreditation"}
    original = yaml.safe_load((ROOT / "modules" / "course.yaml").read_text(encoding="utf-8"))
    merged = CourseFile.model_validate({**original, **exported})  # loses nothing, still valid
    for block in ("activity", "disclosures", "designations", "accreditation"):
        assert exported[block] == CourseFile.model_validate(original).model_dump(mode="json")[block]
    assert merged.activity.expiry_date.isoformat() == "2029-11-25"
    missing = app.test_cli_runner().invoke(args=["ce", "export", "nope"])
    assert missing.exit_code != 0
