"""Auth views for MFA: the second sign-in step, enrolment, and step-up re-authentication."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from course import clock
from course.audit import record_audit
from course.audit_actions import AuditAction
from course.auth.mfa import (
    begin_enrolment,
    check_second_factor,
    confirm_enrolment,
    mfa_required,
    provisioning_qr,
)
from course.auth.passwords import verify_password
from course.auth.session_user import signed_in_user
from course.auth.sessions import sign_in
from course.auth.stepup import PENDING, safe_next
from course.auth.views import bp
from course.extensions import db, limiter
from course.models import User

PENDING_SECONDS = 300
# Endpoints a staff member who must enrol may still open.
ENROLMENT_OPEN = {"auth.mfa_setup", "auth.mfa_start", "auth.mfa_confirm", "auth.logout"}


class CodeForm(FlaskForm):
    """A six-digit authenticator code, or a recovery code."""

    code = StringField(
        "Code from your authenticator app (or a recovery code)",
        validators=[DataRequired(), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class ReauthForm(FlaskForm):
    """Confirm it is still you: password, and the code when MFA is on."""

    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])
    code = StringField("Authenticator code", validators=[Length(max=32)])


def _pending_user() -> tuple[User, dict[str, Any]] | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if clock.now().timestamp() - int(pending.get("t", 0)) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    user = db.session.get(User, int(pending.get("u", 0)))
    return (user, pending) if user is not None and user.active else None


def _pending_key() -> str:
    pending = session.get(PENDING)
    return f"mfa:{pending.get('u')}" if isinstance(pending, dict) else "mfa:none"


@bp.route("/mfa", methods=["GET", "POST"])
@limiter.limit("10 per 15 minutes", methods=["POST"], key_func=_pending_key)
def mfa_challenge() -> str | Response | tuple[str, int]:
    """Second sign-in step: the authenticator or a recovery code (half-signed-in staff)."""
    found = _pending_user()
    if found is None:
        flash("Sign in first.", "info")
        return redirect(url_for("auth.login"))
    user, pending = found
    form = CodeForm()
    if form.validate_on_submit():
        method = check_second_factor(user, form.code.data)
        if method is not None:
            sign_in(
                user,
                remember=pending["r"],
                user_agent=request.user_agent.string,
                ip=request.remote_addr or "",
            )
            if current_app.config.get("AUDIT_SIGN_INS", True):
                record_audit(user, AuditAction.SIGN_IN, "user", user.id, details={"mfa": method})
            db.session.commit()
            if method == "recovery":
                left = len(user.mfa_recovery_hashes)
                flash(f"Recovery code used: {left} left. Consider new ones.", "warning")
            return redirect(safe_next(pending.get("n")) or url_for("learning.dashboard"))
        record_audit(None, AuditAction.MFA_FAILED, "user", user.id)
        db.session.commit()
        form.code.errors.append("That code is not valid. Check your authenticator's clock.")
    status = 400 if request.method == "POST" else 200
    return render_template("auth/mfa_challenge.html", form=form), status


@bp.before_app_request
def require_enrolment() -> Response | None:
    """Staff whose role requires MFA must enrol before doing anything else."""
    endpoint = request.endpoint or ""
    if endpoint.endswith("static") or endpoint in ENROLMENT_OPEN:
        return None
    if current_user.is_authenticated and not current_user.mfa_enabled:
        if mfa_required(current_user):
            flash("Your role requires two-step sign-in. Set it up to continue.", "warning")
            return redirect(url_for("auth.mfa_setup"))
    return None


@bp.route("/mfa/setup")
@login_required
def mfa_setup() -> str:
    """Show MFA status, or the QR code of an enrolment in progress (signed-in users)."""
    user = signed_in_user()
    qr = provisioning_qr(user) if user.mfa_secret and not user.mfa_enabled else None
    return render_template(
        "auth/mfa_setup.html", user=user, qr=qr, form=CodeForm(), start_form=FlaskForm()
    )


@bp.route("/mfa/setup/start", methods=["POST"])
@login_required
def mfa_start() -> Response:
    """Create a new authenticator secret to scan (signed-in users)."""
    user = signed_in_user()
    if user.mfa_enabled:
        flash("Two-step sign-in is already on.", "info")
        return redirect(url_for("auth.mfa_setup"))
    begin_enrolment(user)
    db.session.commit()
    return redirect(url_for("auth.mfa_setup"))


@bp.route("/mfa/setup/confirm", methods=["POST"])
@login_required
def mfa_confirm() -> str | tuple[str, int]:
    """Confirm the first code; show the recovery codes once (signed-in users)."""
    user = signed_in_user()
    form = CodeForm()
    codes = None
    if form.validate_on_submit() and user.mfa_secret and not user.mfa_enabled:
        codes = confirm_enrolment(user, form.code.data)
    if codes is None:
        form.code.errors.append("That code is not valid; scan the QR code and try again.")
        qr = provisioning_qr(user) if user.mfa_secret and not user.mfa_enabled else None
        page = render_template(
            "auth/mfa_setup.html", user=user, qr=qr, form=form, start_form=FlaskForm()
        )
        return page, 400
    record_audit(user, AuditAction.USER_MFA_ENABLED, "user", user.id)
    session["auth_at"] = int(clock.now().timestamp())
    db.session.commit()
    return render_template("auth/mfa_codes.html", codes=codes)


@bp.route("/reauth", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per 15 minutes", methods=["POST"])
def reauth() -> str | Response | tuple[str, int]:
    """Confirm it is still you before a sensitive action (signed-in users)."""
    user = signed_in_user()
    form = ReauthForm()
    if form.validate_on_submit():
        ok = verify_password(user.password_hash, form.password.data)
        if ok and user.mfa_enabled:
            ok = check_second_factor(user, form.code.data or "") is not None
        if ok:
            session["auth_at"] = int(clock.now().timestamp())
            record_audit(user, AuditAction.REAUTH, "user", user.id)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")) or url_for("learning.dashboard"))
        record_audit(user, AuditAction.REAUTH_FAILED, "user", user.id)
        db.session.commit()
        form.password.errors.append("That did not match. Try again.")
    status = 400 if request.method == "POST" else 200
    return render_template("auth/reauth.html", form=form, mfa=user.mfa_enabled), status
