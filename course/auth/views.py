"""Auth blueprint: register, sign in, sign out, profile."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from course.auth.forms import LoginForm, PasswordChangeForm, ProfileForm, RegistrationForm
from course.auth.passwords import hash_password, password_problems, verify_password
from course.auth.services import authenticate, create_user
from course.extensions import db, limiter

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
@limiter.limit("10 per hour", methods=["POST"])
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
        db.session.commit()
        login_user(user)
        flash("Welcome to Practicum. Your account is ready.", "success")
        return redirect(safe_next(request.args.get("next")) or url_for("learning.catalog"))
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per 15 minutes", methods=["POST"])
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
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data) or url_for("learning.dashboard"))
        flash(LOGIN_FAILED, "danger")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    """Sign out (signed-in users; POST only, so a link cannot sign anyone out)."""
    logout_user()
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
        current_user.full_name = form.full_name.data
        current_user.profession = form.profession.data
        current_user.licence_number = form.licence_number.data or None
        current_user.licence_state = form.licence_state.data or None
        if form.time_zone.data:
            current_user.time_zone = None if form.time_zone.data == "UTC" else form.time_zone.data
        db.session.commit()
        flash(
            "Profile saved. Certificates already issued keep the details they were issued with.",
            "success",
        )
        return redirect(url_for("auth.profile"))
    return render_template(
        "auth/profile.html", form=form, password_form=PasswordChangeForm(prefix="pw")
    )


@bp.route("/password", methods=["POST"])
@login_required
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
                current_user.password_hash = hash_password(form.password.data)
                db.session.commit()
                flash("Password changed.", "success")
                return redirect(url_for("auth.profile"))
            form.password.errors.extend(problems)
    return render_template(
        "auth/profile.html", form=ProfileForm(obj=current_user), password_form=form
    ), 400
