"""Admin blueprint (admins only): certificate queue and actions, audit log, users."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy import and_, or_, select
from werkzeug.wrappers import Response

from course.admin.forms import (
    IssueAfterRevocationForm,
    ReissueForm,
    RevokeForm,
    SelectionForm,
)
from course.admin.pages import certificates_page
from course.admin.services import (
    BulkResult,
    certificate_queue,
    issue_many,
    revoked_note,
)
from course.audit import record_audit
from course.audit_actions import AuditAction
from course.auth.session_user import signed_in_user
from course.auth.stepup import step_up_required
from course.certificates.eligibility import CertificateError, credit_for, load_eligibility
from course.certificates.issuer import current_issuer
from course.certificates.services import (
    reissue_certificate,
    reissue_draft,
    revoke_certificate,
)
from course.certificates.snapshot import draft_snapshot
from course.extensions import db
from course.mail import certificate_issued_message, certificate_revoked_message, queue
from course.models import AuditEntry, Certificate, User
from course.pagination import page_number
from course.permissions import admin_required
from course.unit_of_work import commit_or_flash
from course.urls import public_url

bp = Blueprint("admin", __name__)


def acting_admin() -> User:
    """The signed-in admin as a User row."""
    return signed_in_user()


def _back_to_queue() -> Response:
    return redirect(url_for("admin.certificates"))


@bp.route("/certificates")
@admin_required
def certificates() -> str:
    """The queue of eligible learners with their evidence, and every issued certificate."""
    queue = certificate_queue()
    credits = {
        row.enrollment.id: credit_for(row.course, row.user.profession, row.attestation.hours)
        for row in queue
    }
    return render_template(
        "admin/certificates.html",
        queue=[row for row in queue if row.revoked is None],
        flagged=[row for row in queue if row.revoked is not None],
        again_form=IssueAfterRevocationForm(formdata=None),
        credits=credits,
        page=certificates_page(page_number()),
        form=SelectionForm(),
    )


@bp.route("/certificates/preview", methods=["POST"])
@admin_required
def preview() -> str | Response:
    """Show exactly what would be issued to the selected learners, before confirming."""
    form = SelectionForm()
    if not form.validate_on_submit():
        flash("The selection could not be read; please select the learners again.", "warning")
        return _back_to_queue()
    if not form.everyone.data and not form.enrollment.data:
        flash("Select at least one learner, or preview every eligible learner.", "warning")
        return _back_to_queue()
    rows = certificate_queue(None if form.everyone.data else form.enrollment.data)
    if not rows:
        flash("None of the selected learners is awaiting a certificate.", "info")
        return _back_to_queue()
    issuer, actor = current_issuer(), acting_admin()
    drafts: list[tuple[Any, dict[str, Any] | None, str]] = []
    for row in rows:
        elig = load_eligibility(row.user.id, row.course)
        if row.revoked is not None:
            drafts.append((row, None, revoked_note(row.revoked)))
        elif elig.eligible:
            drafts.append((row, draft_snapshot(row.user, row.course, elig, issuer, actor), ""))
        else:
            drafts.append((row, None, elig.reason))
    ready = [row for row, draft, _ in drafts if draft is not None]
    return render_template(
        "admin/preview.html", drafts=drafts, ready=ready, form=SelectionForm(formdata=None)
    )


@bp.route("/certificates/issue", methods=["POST"])
@admin_required
@step_up_required
def issue() -> Response:
    """Issue certificates to every previewed learner in one transaction."""
    form = SelectionForm()
    if not form.validate_on_submit() or not form.enrollment.data:
        flash("Nothing was selected, so nothing was issued.", "warning")
        return _back_to_queue()
    result = issue_many(form.enrollment.data, current_issuer(), acting_admin())
    db.session.commit()
    for issued in result.issued:
        queue(certificate_issued_message(issued))
    _flash_result(result)
    return _back_to_queue()


def _flash_result(result: BulkResult) -> None:
    """Say what was issued ("Issued 1 certificate", "Issued 2 certificates") and what was not."""
    if result.issued:
        codes = ", ".join(c.code for c in result.issued)
        noun = "certificate" if len(result.issued) == 1 else "certificates"
        flash(f"Issued {len(result.issued)} {noun}: {codes}.", "success")
    for name, reason in result.skipped:
        flash(f"Not issued to {name}: {reason}", "warning")


@bp.route("/certificates/enrollments/<int:enrollment_id>/issue-again", methods=["POST"])
@admin_required
@step_up_required
def issue_again(enrollment_id: int) -> Response:
    """Issue to one previously revoked learner, with an explicit confirmation and a reason."""
    rows = certificate_queue([enrollment_id])
    if not rows or rows[0].revoked is None:
        flash("That learner is not awaiting a certificate after a revocation.", "info")
        return _back_to_queue()
    form = IssueAfterRevocationForm(prefix=f"again-{enrollment_id}")
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(f"Not issued to {rows[0].user.full_name}: {error}", "warning")
        return _back_to_queue()
    result = issue_many(
        [enrollment_id], current_issuer(), acting_admin(), after_revocation=[enrollment_id]
    )
    for certificate in result.issued:
        record_audit(
            acting_admin(),
            AuditAction.CERTIFICATE_ISSUE_AFTER_REVOCATION,
            "certificate",
            certificate.id,
            reason=form.reason.data,
            details={"code": certificate.code, "revoked": rows[0].revoked.code},
        )
    db.session.commit()
    for issued in result.issued:
        queue(certificate_issued_message(issued))
    _flash_result(result)
    return _back_to_queue()


def _certificate_or_404(certificate_id: int) -> Certificate:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        abort(404)
    return certificate


def _detail(
    certificate: Certificate,
    revoke_form: RevokeForm | None = None,
    reissue_form: ReissueForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """Render the certificate page: record, history, revoke and reissue forms."""
    mine = and_(AuditEntry.target_type == "certificate", AuditEntry.target_id == certificate.id)
    replaced = and_(
        AuditEntry.action == AuditAction.CERTIFICATE_REISSUE,
        AuditEntry.target_id == certificate.superseded_by_id,
    )
    history = db.session.scalars(
        select(AuditEntry)
        .where(or_(mine, replaced) if certificate.superseded_by_id else mine)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    ).all()
    supersedes = (
        db.session.get(Certificate, certificate.supersedes_id)
        if certificate.supersedes_id
        else None
    )
    html = render_template(
        "admin/certificate.html",
        certificate=certificate,
        supersedes=supersedes,
        history=history,
        verify_url=public_url("certificates.verify", code=certificate.code),
        revoke_form=revoke_form or RevokeForm(prefix="revoke", formdata=None),
        reissue_form=reissue_form or ReissueForm(prefix="reissue", formdata=None),
    )
    return html, status


@bp.route("/certificates/<int:certificate_id>")
@admin_required
def certificate(certificate_id: int) -> tuple[str, int]:
    """One certificate: its frozen record, status, history and actions."""
    return _detail(_certificate_or_404(certificate_id))


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["POST"])
@admin_required
@step_up_required
def revoke(certificate_id: int) -> Response | tuple[str, int] | str:
    """Revoke a certificate with a reason, after a confirmation page."""
    certificate = _certificate_or_404(certificate_id)
    form = RevokeForm(prefix="revoke")
    if not form.validate_on_submit():
        return _detail(certificate, revoke_form=form, status=400)
    if not form.is_confirmed:
        return render_template(
            "admin/confirm.html", action="revoke", certificate=certificate, form=form, draft=None
        )
    with commit_or_flash(CertificateError) as saved:
        revoke_certificate(certificate, acting_admin(), form.reason.data)
    if saved:
        queue(certificate_revoked_message(certificate, form.reason.data))
        flash(f"Certificate {certificate.code} was revoked.", "success")
    return redirect(url_for("admin.certificate", certificate_id=certificate.id))


@bp.route("/certificates/<int:certificate_id>/reissue", methods=["POST"])
@admin_required
@step_up_required
def reissue(certificate_id: int) -> Response | tuple[str, int] | str:
    """Reissue a certificate from the current profile, after previewing the new record."""
    certificate = _certificate_or_404(certificate_id)
    form = ReissueForm(prefix="reissue")
    if not form.validate_on_submit():
        return _detail(certificate, reissue_form=form, status=400)
    issuer = current_issuer()
    if not form.is_confirmed:
        draft = reissue_draft(certificate, issuer, acting_admin())
        return render_template(
            "admin/confirm.html", action="reissue", certificate=certificate, form=form, draft=draft
        )
    with commit_or_flash(CertificateError) as saved:
        new = reissue_certificate(certificate, issuer, acting_admin(), form.reason.data)
    if not saved:
        return redirect(url_for("admin.certificate", certificate_id=certificate.id))
    queue(certificate_issued_message(new))
    flash(f"Certificate {new.code} replaces {certificate.code}.", "success")
    return redirect(url_for("admin.certificate", certificate_id=new.id))
