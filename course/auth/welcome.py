"""First sign-in of an admin-created account: the emailed link sets a password and signs in.

No password is ever shown to the admin. The link is a WELCOME token (course.auth.tokens):
signed, valid for seven days, and single use because it names the password hash it replaces.
Opening it proves the address, so the address is confirmed too.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from course import clock
from course.audit_actions import AuditAction
from course.auth.forms import ResetPasswordForm
from course.auth.recovery import choose_password
from course.auth.throttle import reset_per_ip
from course.auth.tokens import WELCOME, read_token
from course.auth.views import _sign_in, bp
from course.extensions import db

BAD_WELCOME = (
    "This link has expired or has already been used. Ask your administrator to send a "
    "password-reset link, or use “Forgot password?” on the sign-in page."
)


@bp.route("/welcome/<token>", methods=["GET", "POST"])
@reset_per_ip
def welcome(token: str) -> str | Response | tuple[str, int]:
    """Choose the first password of an admin-created account, then sign in (link holders)."""
    found = read_token(token, WELCOME)
    if found is None:
        return render_template("auth/link_invalid.html", message=BAD_WELCOME), 400
    user, _ = found
    form = ResetPasswordForm()
    if form.validate_on_submit() and choose_password(user, form, AuditAction.FIRST_PASSWORD):
        user.email_verified_at = user.email_verified_at or clock.now()
        if user.mfa_enabled:  # not for a new account, but never skip a second step
            db.session.commit()
            flash("Password set. Sign in to continue.", "success")
            return redirect(url_for("auth.login"))
        _sign_in(user, remember=False)
        db.session.commit()
        flash(f"Welcome, {user.full_name}: your password is set and you are signed in.", "success")
        return redirect(url_for("learning.dashboard"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/welcome.html", form=form, token=token, user=user), status
