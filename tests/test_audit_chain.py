"""The audit log is a hash chain: altering, deleting or reordering an entry is detected."""

from __future__ import annotations

from sqlalchemy import select, text

from course.audit import GENESIS, record_audit
from course.audit_actions import AuditAction
from course.models import AuditEntry, Role
from tests.conftest import url


def _entries(db, make_user, n: int = 4) -> list[AuditEntry]:
    admin = make_user(role=Role.ADMIN)
    for i in range(n):
        record_audit(
            admin,
            AuditAction.USER_PROFILE_CHANGE,
            "user",
            admin.id,
            reason=f"r{i}",
            details={"i": i},
        )
    db.session.commit()
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_every_entry_links_to_the_one_before(app, db, make_user) -> None:
    entries = _entries(db, make_user)
    assert entries[0].prev_hash == GENESIS
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.prev_hash == before.entry_hash
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "intact: 4 entries" in result.output


def test_editing_an_entry_is_detected(app, db, make_user) -> None:
    entries = _entries(db, make_user)
    db.session.execute(
        text("UPDATE audit_entry SET reason = 'nothing to see' WHERE id = :id"),
        {"id": entries[1].id},
    )
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert f"broken at entry {entries[1].id}" in result.output


def test_deleting_an_entry_is_detected(app, db, make_user) -> None:
    entries = _entries(db, make_user)
    db.session.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": entries[2].id})
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert f"broken at entry {entries[3].id}" in result.output
    assert "does not link" in result.output


def test_entries_written_directly_are_chained_too(app, db, make_user) -> None:
    from course import clock

    _entries(db, make_user, 1)
    db.session.add(AuditEntry(at=clock.now(), action="x", target_type="t", details={}))
    db.session.add(AuditEntry(at=clock.now(), action="y", target_type="t", details={}))
    db.session.commit()
    assert verify(app).exit_code == 0


def test_account_events_are_audited(app, client, db, make_user, login) -> None:
    app.config["AUDIT_SIGN_INS"] = True
    user = make_user()
    client.post(url("auth.login"), data={"email": user.email, "password": "wrong wrong wrong"})
    client.post(url("auth.login"), data={"email": "ghost@example.org", "password": "wrong wrong"})
    login(user)
    client.post(
        url("auth.profile"),
        data={
            "full_name": "New Name",
            "profession": "RN",
            "licence_number": "",
            "licence_state": "",
        },
    )
    client.post(
        url("auth.change_password"),
        data={
            "pw-current": "correct horse battery staple",
            "pw-password": "new horse battery staple x",
            "pw-confirm": "new horse battery staple x",
        },
    )
    client.post(url("auth.logout"))
    rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    actions = [r.action for r in rows]
    assert actions == [
        "auth.sign_in_failed",
        "auth.sign_in_failed",
        "auth.sign_in",
        "user.profile_change",
        "auth.password_change",
        "auth.sign_out",
    ]
    assert rows[0].target_id == user.id
    assert rows[1].target_id is None
    assert rows[1].details["email"] == "ghost@example.org"
    assert rows[3].details["full_name"][1] == "New Name"
    assert "password" not in str([r.details for r in rows]).lower().replace("password_", "")
    assert verify(app).exit_code == 0


def test_cohort_csv_export_is_audited(app, client, db, staff, course_content) -> None:
    response = client.get(url("instructor.cohort_csv", course=course_content.slug))
    assert response.status_code == 200
    response.get_data()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cohort.export_csv"))
    assert entry is not None
    assert entry.actor_id == staff.id


def test_staff_read_evaluations_with_bias_reports_first(
    db,
    client,
    staff,
    make_user,
    get_page,
    course_content,
) -> None:
    from course.certificates.eligibility import record_evaluation
    from course.learning.services import enroll
    from tests.certkit import EVALUATION, complete_course

    fine, worried = make_user(full_name="Fine Learner"), make_user(full_name="Worried <b>")
    for learner, answers in (
        (fine, EVALUATION),
        (worried, EVALUATION | {"free_of_bias": False, "bias_comment": "Sponsor's drug only"}),
    ):
        enroll(learner.id, course_content)
        complete_course(learner.id, course_content)
        record_evaluation(learner.id, course_content, answers)
    db.session.commit()
    page = get_page("instructor.evaluations", slug=course_content.slug)
    rows = page.select("#evaluations tbody tr")
    assert rows[0]["data-bias"] == "reported"
    assert "Sponsor's drug only" in rows[0].get_text()
    assert "Worried <b>" in rows[0].get_text()  # escaped, shown as typed
    assert "1 report(s) of bias" in page.select_one("#evaluation-summary").get_text()
