"""Auth blueprint: register, sign in, sign out, profile."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from course.auth.forms import LoginForm, PasswordChangeForm, ProfileForm, RegistrationForm
from course.auth.passwords import hash_password, password_problems, verify_password
from course.auth.services import authenticate, create_user
from course.auth.sessions import (
    current_row,
    list_sessions,
    revoke_all,
    revoke_session,
    sign_in,
    sign_out,
)
from course.auth.throttle import (
    login_per_account,
    login_per_ip,
    password_per_user,
    register_per_ip,
    retry_after_seconds,
    wait_message,
)
from course.extensions import db

bp = Blueprint("auth", __name__)

LOGIN_FAILED = "Email or password is incorrect."


def safe_next(target: str | None) -> str | None:
    """Return `target` only when it is a local path on this site (no open redirects)."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


@bp.route("/register", methods=["GET", "POST"])
@register_per_ip
def register() -> str | Response:
    """Create a learner account and sign it in (anyone)."""
    if current_user.is_authenticated:
        return redirect(url_for("learning.dashboard"))
    form = RegistrationForm()
    if form.validate_on_submit():
        user = create_user(
            email=form.email.data,
            password=form.password.data,
            full_name=form.full_name.data,
            profession=form.profession.data,
            licence_number=form.licence_number.data,
            licence_state=form.licence_state.data,
        )
        _sign_in(user, remember=False)
        db.session.commit()
        flash("Welcome to Practicum. Your account is ready.", "success")
        return redirect(url_for("learning.catalog"))
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
        if user is not None:
            _sign_in(user, remember=form.remember.data)
            db.session.commit()
            return redirect(safe_next(form.next.data) or url_for("learning.dashboard"))
        flash(LOGIN_FAILED, "danger")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    """Sign out (signed-in users; POST only, so a link cannot sign anyone out)."""
    sign_out(current_user._get_current_object())
    db.session.commit()
    flash("You have signed out.", "info")
    return redirect(url_for("learning.catalog"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> str | Response:
    """Show and edit one's own profile (signed-in users)."""
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.full_name = form.full_name.data
        current_user.profession = form.profession.data
        current_user.licence_number = form.licence_number.data or None
        current_user.licence_state = form.licence_state.data or None
        db.session.commit()
        flash(
            "Profile saved. Certificates already issued keep the details they were issued with.",
            "success",
        )
        return redirect(url_for("auth.profile"))
    return _profile_page(form, PasswordChangeForm(prefix="pw"))


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
                user = current_user._get_current_object()
                user.password_hash = hash_password(form.password.data)
                revoke_all(user)
                _sign_in(user, remember=False)
                db.session.commit()
                flash("Password changed. Every other device has been signed out.", "success")
                return redirect(url_for("auth.profile"))
            form.password.errors.extend(problems)
    return _profile_page(ProfileForm(obj=current_user), form), 400


def _sign_in(user, *, remember: bool) -> None:  # noqa: ANN001
    """Start a device session for this request's browser."""
    sign_in(
        user,
        remember=bool(remember),
        user_agent=request.user_agent.string,
        ip=request.remote_addr or "",
    )


def _profile_page(form: ProfileForm, password_form: PasswordChangeForm) -> str:
    """Render the profile with its forms and the list of signed-in devices."""
    user = current_user._get_current_object()
    this = current_row(user)
    return render_template(
        "auth/profile.html",
        form=form,
        password_form=password_form,
        devices=list_sessions(user),
        this_device_id=this.id if this else None,
        revoke_form=FlaskForm(),
    )


@bp.route("/sessions/<int:session_id>/revoke", methods=["POST"])
@login_required
def revoke_device(session_id: int) -> Response:
    """Sign one of one's own devices out (signed-in users)."""
    user = current_user._get_current_object()
    this = current_row(user)
    if not revoke_session(user, session_id):
        abort(404)
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
    user = current_user._get_current_object()
    count = revoke_all(user)
    sign_out(user)
    db.session.commit()
    flash(f"Signed out everywhere ({count} session{'s' if count != 1 else ''}).", "info")
    return redirect(url_for("auth.login"))


# The forms a 429 can interrupt, re-rendered with what was typed (never the passwords).
THROTTLED_FORMS = {
    "auth.login": lambda: ("auth/login.html", {"form": LoginForm()}),
    "auth.register": lambda: ("auth/register.html", {"form": RegistrationForm()}),
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
            return _profile_page(ProfileForm(obj=current_user), password_form), 429, headers
        return render_template("errors/error.html", error=exc, wait=message), 429, headers
    template, context = renderer()
    return render_template(template, throttled=message, **context), 429, headers
