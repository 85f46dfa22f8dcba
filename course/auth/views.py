"""Auth blueprint: register, sign in, sign out, profile."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from course.audit import record_audit
from course.audit_actions import AuditAction
from course.auth.account import already_registered_message, find_active, verification_message
from course.auth.forms import (
    EmailChangeForm,
    ForgotPasswordForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    RegistrationForm,
)
from course.auth.passwords import hash_password, password_problems, verify_password
from course.auth.services import authenticate, create_user
from course.auth.session_user import signed_in_user
from course.auth.sessions import (
    current_row,
    list_sessions,
    revoke_all,
    revoke_session,
    sign_in,
    sign_out,
)
from course.auth.stepup import begin_second_step, safe_next
from course.auth.throttle import (
    login_per_account,
    login_per_ip,
    password_per_user,
    register_per_ip,
    retry_after_seconds,
    wait_message,
)
from course.extensions import db
from course.mail import queue
from course.models import User

bp = Blueprint("auth", __name__)

LOGIN_FAILED = "Email or password is incorrect."
CHECK_INBOX = (
    "Check your inbox: we have sent a message to {email}. Confirm your address with the link "
    "in it, then sign in. You can start studying before you confirm."
)


@bp.route("/register", methods=["GET", "POST"])
@register_per_ip
def register() -> str | Response:
    """Create a learner account and sign it in (anyone)."""
    if current_user.is_authenticated:
        return redirect(url_for("learning.dashboard"))
    form = RegistrationForm()
    if form.validate_on_submit():
        existing = find_active(form.email.data) or db.session.scalar(
            select(User).where(User.email == form.email.data)
        )
        if existing is None:
            user = create_user(
                email=form.email.data,
                password=form.password.data,
                full_name=form.full_name.data,
                profession=form.profession.data,
                licence_number=form.licence_number.data,
                licence_state=form.licence_state.data,
            )
            message = verification_message(user)
        else:
            hash_password(form.password.data)  # the same work either way: timing tells nothing
            message = already_registered_message(existing)
        db.session.commit()
        queue(message)
        flash(CHECK_INBOX.format(email=form.email.data), "success")
        # Registering from a course page leads back to it once the learner signs in.
        return redirect(url_for("auth.login", next=safe_next(request.args.get("next"))))
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@login_per_ip
@login_per_account
def login() -> str | Response:
    """Sign in with email and password (anyone); never reveals whether an account exists."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if current_user.is_authenticated:
        return redirect(safe_next(form.next.data) or url_for("learning.dashboard"))
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None and user.mfa_enabled:
            db.session.commit()  # a rehashed password, if any
            return begin_second_step(user, form.remember.data, safe_next(form.next.data))
        if user is not None:
            _sign_in(user, remember=form.remember.data)
            _audit_sign_in(user, AuditAction.SIGN_IN, user.id)
            db.session.commit()
            return redirect(safe_next(form.next.data) or url_for("learning.dashboard"))
        known = db.session.scalar(select(User.id).where(User.email == form.email.data))
        _audit_sign_in(None, AuditAction.SIGN_IN_FAILED, known, email=form.email.data)
        db.session.commit()
        flash(LOGIN_FAILED, "danger")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    """Sign out (signed-in users; POST only, so a link cannot sign anyone out)."""
    user = signed_in_user()
    _audit_sign_in(user, AuditAction.SIGN_OUT, user.id)
    sign_out(user)
    db.session.commit()
    flash("You have signed out.", "info")
    return redirect(url_for("learning.catalog"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> str | Response:
    """Show and edit one's own profile (signed-in users)."""
    form = ProfileForm(obj=current_user)
    if not form.is_submitted():
        form.time_zone.data = current_user.time_zone or "UTC"
    if form.validate_on_submit():
        user = signed_in_user()
        fields = ("full_name", "profession", "licence_number", "licence_state")
        before = {name: getattr(user, name) for name in fields}
        user.full_name = form.full_name.data
        user.profession = form.profession.data
        user.licence_number = form.licence_number.data or None
        user.licence_state = form.licence_state.data or None
        changes = {
            name: [before[name], getattr(user, name)]
            for name in fields
            if before[name] != getattr(user, name)
        }
        if changes:
            record_audit(user, AuditAction.USER_PROFILE_CHANGE, "user", user.id, details=changes)
        if form.time_zone.data:
            user.time_zone = None if form.time_zone.data == "UTC" else form.time_zone.data
        db.session.commit()
        flash(
            "Profile saved. Certificates already issued keep the details they were issued with.",
            "success",
        )
        return redirect(url_for("auth.profile"))
    return profile_page(form=form)


@bp.route("/password", methods=["POST"])
@login_required
@password_per_user
def change_password() -> str | Response:
    """Change one's own password after confirming the current one (signed-in users)."""
    form = PasswordChangeForm(prefix="pw")
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current.data):
            form.current.errors.append("The current password is incorrect.")
        else:
            problems = password_problems(
                form.password.data, email=current_user.email, full_name=current_user.full_name
            )
            if not problems:
                user = signed_in_user()
                user.password_hash = hash_password(form.password.data)
                revoked = revoke_all(user)
                _sign_in(user, remember=False)
                record_audit(
                    user, AuditAction.PASSWORD_CHANGE, "user", user.id, details={"revoked": revoked}
                )
                db.session.commit()
                flash("Password changed. Every other device has been signed out.", "success")
                return redirect(url_for("auth.profile"))
            form.password.errors.extend(problems)
    return profile_page(password_form=form), 400


def _audit_sign_in(
    actor: User | None, action: AuditAction, user_id: int | None, **extra: str
) -> None:
    """Record a sign-in, failed sign-in or sign-out, with where it came from."""
    if current_app.config.get("AUDIT_SIGN_INS", True):
        record_audit(actor, action, "user", user_id, details={**extra, **_where()})


def _where() -> dict[str, str]:
    """Where a request came from, for the audit log."""
    return {"ip": request.remote_addr or "", "agent": request.user_agent.string[:200]}


def _sign_in(user, *, remember: bool) -> None:
    """Start a device session for this request's browser."""
    sign_in(
        user,
        remember=bool(remember),
        user_agent=request.user_agent.string,
        ip=request.remote_addr or "",
    )


def profile_page(
    form: ProfileForm | None = None,
    password_form: PasswordChangeForm | None = None,
    email_form: EmailChangeForm | None = None,
) -> str:
    """Render the profile with its forms and the list of signed-in devices."""
    user = signed_in_user()
    this = current_row(user)
    return render_template(
        "auth/profile.html",
        form=form or ProfileForm(obj=user),
        password_form=password_form or PasswordChangeForm(prefix="pw"),
        email_form=email_form or EmailChangeForm(prefix="em", formdata=None),
        devices=list_sessions(user),
        this_device_id=this.id if this else None,
        revoke_form=FlaskForm(),
    )


@bp.route("/sessions/<int:session_id>/revoke", methods=["POST"])
@login_required
def revoke_device(session_id: int) -> Response:
    """Sign one of one's own devices out (signed-in users)."""
    user = signed_in_user()
    this = current_row(user)
    if not revoke_session(user, session_id):
        abort(404)
    record_audit(
        user, AuditAction.SESSION_REVOKED, "user", user.id, details={"session": session_id}
    )
    db.session.commit()
    if this is not None and this.id == session_id:
        sign_out(user)
        flash("This device has been signed out.", "info")
        return redirect(url_for("auth.login"))
    flash("That device has been signed out.", "success")
    return redirect(url_for("auth.profile"))


@bp.route("/sessions/revoke-all", methods=["POST"])
@login_required
def revoke_everywhere() -> Response:
    """Sign out every device, this one included (signed-in users)."""
    user = signed_in_user()
    count = revoke_all(user)
    record_audit(user, AuditAction.SESSIONS_REVOKED, "user", user.id, details={"revoked": count})
    sign_out(user)
    db.session.commit()
    flash(f"Signed out everywhere ({count} session{'s' if count != 1 else ''}).", "info")
    return redirect(url_for("auth.login"))


# The forms a 429 can interrupt, re-rendered with what was typed (never the passwords).
THROTTLED_FORMS = {
    "auth.login": lambda: ("auth/login.html", {"form": LoginForm()}),
    "auth.register": lambda: ("auth/register.html", {"form": RegistrationForm()}),
    "auth.forgot_password": lambda: ("auth/forgot.html", {"form": ForgotPasswordForm()}),
}


@bp.errorhandler(429)
def too_many(exc: HTTPException) -> tuple[str, int, dict[str, str]]:
    """Say how long to wait, and keep the form as it was typed (throttled visitors)."""
    seconds = retry_after_seconds()
    headers = {"Retry-After": str(seconds)}
    message = wait_message(seconds)
    renderer = THROTTLED_FORMS.get(request.endpoint or "")
    if renderer is None:
        if request.endpoint == "auth.change_password" and current_user.is_authenticated:
            password_form = PasswordChangeForm(prefix="pw")
            password_form.current.errors = [message]
            return profile_page(password_form=password_form), 429, headers
        return render_template("errors/error.html", error=exc, wait=message), 429, headers
    template, context = renderer()
    return render_template(template, throttled=message, **context), 429, headers
