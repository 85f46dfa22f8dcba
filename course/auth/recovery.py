"""Auth views for recovery: forgot password, reset, email verification and change.

Links in emails open a page with a button (GET never changes state); the POST does the work.
Every answer about an address is the same whether or not it has an account.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from course.audit import record_audit
from course.audit_actions import AuditAction
from course.auth.account import (
    confirm_email,
    find_active,
    reset_message,
    verification_message,
)
from course.auth.account import (
    reset_password as set_new_password,
)
from course.auth.forms import EmailChangeForm, ForgotPasswordForm, ResetPasswordForm
from course.auth.passwords import password_problems, verify_password
from course.auth.session_user import signed_in_user
from course.auth.sessions import sign_out
from course.auth.throttle import mail_per_user, reset_per_account, reset_per_ip
from course.auth.tokens import RESET, VERIFY, read_token
from course.auth.views import bp
from course.extensions import db
from course.mail import queue
from course.models import User

SENT = (
    "If an account exists for that address, we have sent it a link to choose a new password. "
    "It works once, within the next hour."
)
BAD_LINK = "This link has expired or has already been used. Ask for a new one."


@bp.route("/forgot", methods=["GET", "POST"])
@reset_per_ip
@reset_per_account
def forgot_password() -> str | Response:
    """Email a reset link; the same answer whether or not the account exists (anyone)."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = find_active(form.email.data)
        if user is not None:
            queue(reset_message(user))
        flash(SENT, "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 400 if request.method == "POST" else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
@reset_per_ip
def reset_password(token: str) -> str | Response | tuple[str, int]:
    """Choose a new password from an emailed link; signs out every session (link holders)."""
    found = read_token(token, RESET)
    if found is None:
        return render_template("auth/link_invalid.html", message=BAD_LINK), 400
    user, _ = found
    form = ResetPasswordForm()
    if form.validate_on_submit() and choose_password(user, form, AuditAction.PASSWORD_RESET):
        db.session.commit()
        flash("Password changed. Every device has been signed out; sign in again.", "success")
        return redirect(url_for("auth.login"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/reset.html", form=form, token=token), status


def choose_password(user: User, form: ResetPasswordForm, action: AuditAction) -> bool:
    """Set the form's new password for `user` from an emailed link (audited as `action`).

    Every session of theirs is revoked and this browser is signed out of whoever it was. On
    a weak password, the form gets the reasons and False is returned; the caller commits.
    """
    problems = password_problems(form.password.data, email=user.email, full_name=user.full_name)
    if problems:
        form.password.errors.extend(problems)
        return False
    revoked = set_new_password(user, form.password.data)
    record_audit(user, action, "user", user.id, details={"revoked": revoked})
    if current_user.is_authenticated:
        sign_out(signed_in_user())
    return True


@bp.route("/verify/<token>", methods=["GET", "POST"])
def verify_email(token: str) -> str | Response | tuple[str, int]:
    """Confirm an address from an emailed link, with a button (anyone holding the link)."""
    found = read_token(token, VERIFY)
    if found is None:
        return render_template("auth/link_invalid.html", message=BAD_LINK), 400
    user, address = found
    if request.method == "POST":
        from flask_wtf import FlaskForm

        if FlaskForm().validate_on_submit():
            old = user.email
            problem = confirm_email(user, address)
            if problem is None:
                action = (
                    AuditAction.USER_EMAIL_VERIFIED
                    if old == address
                    else AuditAction.USER_EMAIL_CHANGE
                )
                record_audit(user, action, "user", user.id, details={"from": old, "to": address})
                db.session.commit()
                flash(f"Thank you: {address} is confirmed.", "success")
                return redirect(url_for("learning.dashboard"))
            flash(problem, "danger")
    return render_template("auth/verify.html", address=address, token=token)


@bp.route("/verify/resend", methods=["POST"])
@login_required
@mail_per_user
def resend_verification() -> Response:
    """Send the confirmation link again (signed-in users with an unconfirmed address)."""
    user = signed_in_user()
    if not user.email_verified:
        queue(verification_message(user))
        flash(f"We have sent a new confirmation link to {user.email}.", "info")
    return redirect(url_for("auth.profile"))


@bp.route("/email", methods=["POST"])
@login_required
@mail_per_user
def change_email() -> str | Response | tuple[str, int]:
    """Start an address change: the new address must be confirmed (signed-in users)."""
    form = EmailChangeForm(prefix="em")
    user = signed_in_user()
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.current.data):
            form.current.errors.append("The current password is incorrect.")
        else:
            if find_active(form.email.data) is None:
                queue(verification_message(user, form.email.data))
            flash(
                f"We have sent a confirmation link to {form.email.data}. Your address changes "
                "when you open it.",
                "info",
            )
            return redirect(url_for("auth.profile"))
    from course.auth.views import profile_page

    return profile_page(email_form=form), 400
