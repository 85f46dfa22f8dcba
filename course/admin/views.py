"""Admin blueprint (admins only): certificate queue and actions, audit log, users."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import and_, or_, select
from werkzeug.wrappers import Response

from course.admin.forms import ReissueForm, RevokeForm, RoleForm, SelectionForm
from course.admin.services import (
    AdminError,
    audit_page,
    certificate_queue,
    certificates_page,
    change_role,
    issue_many,
    record_audit,
    role_change_problem,
    users_page,
)
from course.auth.account import reset_message
from course.auth.mfa import reset_mfa
from course.auth.sessions import revoke_all
from course.auth.stepup import step_up_required
from course.certificates.eligibility import CertificateError, credit_for, load_eligibility
from course.certificates.services import (
    draft_snapshot,
    reissue_certificate,
    reissue_draft,
    revoke_certificate,
)
from course.certificates.views import absolute_url, current_issuer
from course.extensions import db
from course.mail import certificate_issued_message, certificate_revoked_message, queue
from course.models import AuditEntry, Certificate, Role, User
from course.permissions import admin_required

bp = Blueprint("admin", __name__)


def _actor() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined]


# Far beyond any real listing, and small enough that OFFSET fits every database's integer.
MAX_PAGE = 100_000


def _page_number() -> int:
    return min(max(1, request.args.get("page", 1, type=int) or 1), MAX_PAGE)


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
        queue=queue,
        credits=credits,
        page=certificates_page(_page_number()),
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
    issuer, actor = current_issuer(), _actor()
    drafts: list[tuple[Any, dict[str, Any] | None, str]] = []
    for row in rows:
        elig = load_eligibility(row.user.id, row.course)
        if elig.eligible:
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
    result = issue_many(form.enrollment.data, current_issuer(), _actor())
    db.session.commit()
    for issued in result.issued:
        queue(certificate_issued_message(issued))
    if result.issued:
        codes = ", ".join(c.code for c in result.issued)
        flash(f"Issued {len(result.issued)} certificate(s): {codes}.", "success")
    for name, reason in result.skipped:
        flash(f"Not issued to {name}: {reason}", "warning")
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
        AuditEntry.action == "certificate.reissue",
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
        verify_url=absolute_url("certificates.verify", code=certificate.code),
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
    try:
        revoke_certificate(certificate, _actor(), form.reason.data)
    except CertificateError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
    else:
        db.session.commit()
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
        draft = reissue_draft(certificate, issuer, _actor())
        return render_template(
            "admin/confirm.html", action="reissue", certificate=certificate, form=form, draft=draft
        )
    try:
        new = reissue_certificate(certificate, issuer, _actor(), form.reason.data)
    except CertificateError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
        return redirect(url_for("admin.certificate", certificate_id=certificate.id))
    db.session.commit()
    queue(certificate_issued_message(new))
    flash(f"Certificate {new.code} replaces {certificate.code}.", "success")
    return redirect(url_for("admin.certificate", certificate_id=new.id))


@bp.route("/audit")
@admin_required
def audit() -> str:
    """The audit log, newest first, paginated."""
    return render_template("admin/audit.html", page=audit_page(_page_number()))


@bp.route("/users")
@admin_required
def users() -> str:
    """Every account with its role, and a way to change it."""
    return render_template("admin/users.html", page=users_page(_page_number()), roles=list(Role))


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@admin_required
@step_up_required
def role(user_id: int) -> Response | str | tuple[str, int]:
    """Change a user's role after a confirmation page (never one's own admin role)."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = RoleForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "warning")
        return render_template("admin/users.html", page=users_page(1), roles=list(Role)), 400
    new_role = Role(form.role.data)
    problem = role_change_problem(_actor(), user, new_role)
    if problem:
        flash(problem, "warning")
        return redirect(url_for("admin.users"))
    if not form.is_confirmed:
        return render_template("admin/confirm_role.html", user=user, form=form, new_role=new_role)
    try:
        changed = change_role(_actor(), user, new_role, form.reason.data or "")
    except AdminError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
        return redirect(url_for("admin.users"))
    db.session.commit()
    if changed:
        flash(f"{user.full_name} is now {new_role.value}.", "success")
    else:
        flash(f"{user.full_name} already had the role {new_role.value}.", "info")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@admin_required
def reset_password(user_id: int) -> Response:
    """Email a user a password-reset link (audited; the admin never sees the link)."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    record_audit(_actor(), "user.password_reset_sent", "user", user.id, details={"by": "admin"})
    db.session.commit()
    queue(reset_message(user))
    flash(f"A password-reset link was sent to {user.email}.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/mfa-reset", methods=["POST"])
@admin_required
@step_up_required
def mfa_reset(user_id: int) -> Response:
    """Remove a user's two-step sign-in and sign them out everywhere (audited)."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    had = user.mfa_enabled
    reset_mfa(user)
    revoked = revoke_all(user)
    record_audit(
        _actor(), "user.mfa_reset", "user", user.id, details={"had_mfa": had, "revoked": revoked}
    )
    db.session.commit()
    flash(f"Two-step sign-in was reset for {user.full_name}; they were signed out.", "success")
    return redirect(url_for("admin.users"))
