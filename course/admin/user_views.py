"""Admin user management (admins only): search, one account, name, status, roles, new users."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from course.admin.forms import ActiveForm, NameForm, NewUserForm, RoleForm, UserSearchForm
from course.admin.pages import users_page
from course.admin.services import AdminError, change_role, role_change_problem
from course.admin.users import (
    UserFilter,
    correct_name,
    create_account,
    set_active,
    users_query,
    valid_certificates,
)
from course.admin.views import acting_admin, bp
from course.audit import record_audit
from course.audit_actions import AuditAction
from course.auth.account import reset_message, welcome_message
from course.auth.mfa import reset_mfa
from course.auth.sessions import revoke_all
from course.auth.stepup import step_up_required
from course.extensions import db
from course.learning.progress import load_course_states
from course.mail import queue
from course.models import Certificate, Role, User
from course.pagination import page_number
from course.permissions import admin_required
from course.unit_of_work import commit_or_flash


def _listing(status: int = 200) -> tuple[str, int]:
    """The users list, narrowed by the search form (name, email, role, profession, status)."""
    search = UserSearchForm(request.args)
    search.validate()
    filters = UserFilter(
        q=search.q.data or "",
        role=search.role.data or "",
        profession=search.profession.data or "",
        status=search.status.data or "",
        letter=(search.letter.data or "")[:1],
    )
    page = users_page(page_number(), users_query(filters))
    html = render_template(
        "admin/users.html", page=page, roles=list(Role), search=search, letter=filters.letter
    )
    return html, status


@bp.route("/users")
@admin_required
def users() -> tuple[str, int]:
    """Accounts, searchable and filtered, A to Z, with role changes and a link to each."""
    return _listing()


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _detail(user: User, status: int = 200, **forms: object) -> tuple[str, int]:
    """One account: profile, progress in each course, certificates and the admin's actions."""
    html = render_template(
        "admin/user.html",
        user=user,
        states=load_course_states(user.id),
        certificates=db.session.scalars(
            select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.id)
        ).all(),
        name_form=forms.get("name_form")
        or NameForm(prefix="name", formdata=None, full_name=user.full_name),
        active_form=forms.get("active_form") or ActiveForm(prefix="status", formdata=None),
    )
    return html, status


@bp.route("/users/<int:user_id>")
@admin_required
def user(user_id: int) -> tuple[str, int]:
    """One account with its progress and certificates (admins)."""
    return _detail(_user_or_404(user_id))


@bp.route("/users/<int:user_id>/name", methods=["POST"])
@admin_required
def rename(user_id: int) -> Response | tuple[str, int]:
    """Correct a user's name (audited), then offer to reissue their valid certificates."""
    user = _user_or_404(user_id)
    form = NameForm(prefix="name")
    if not form.validate_on_submit():
        return _detail(user, 400, name_form=form)
    before = user.full_name
    if correct_name(acting_admin(), user, form.full_name.data, form.reason.data):
        db.session.commit()
        flash(f"Name corrected: {before} → {user.full_name}.", "success")
        if valid_certificates(user):
            flash("Issued certificates keep the old name: reissue them below.", "info")
    else:
        flash("The name is unchanged.", "info")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@admin_required
@step_up_required
def set_status(user_id: int) -> Response | tuple[str, int]:
    """Deactivate or reactivate an account (records are kept; audited)."""
    user = _user_or_404(user_id)
    form = ActiveForm(prefix="status")
    if not form.validate_on_submit():
        return _detail(user, 400, active_form=form)
    with commit_or_flash(AdminError) as saved:
        changed = set_active(acting_admin(), user, not user.active, form.reason.data)
    if not saved:
        return redirect(url_for("admin.user", user_id=user.id))
    if changed:
        state = "reactivated" if user.active else "deactivated: they can no longer sign in"
        flash(f"{user.full_name} was {state}.", "success")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def create() -> str | Response | tuple[str, int]:
    """Create an account and email its owner a link to set their password (admins)."""
    form = NewUserForm()
    if form.validate_on_submit():
        with commit_or_flash(AdminError, flash_errors=False) as saved:
            user = create_account(
                acting_admin(),
                email=form.email.data,
                full_name=form.full_name.data,
                profession=form.profession.data,
                role=Role(form.role.data),
            )
        if saved:
            queue(welcome_message(user))
            flash(
                f"Account created. We have emailed {user.email} a link to set their password; "
                "it works once, within seven days.",
                "success",
            )
            return redirect(url_for("admin.user", user_id=user.id))
        if isinstance(saved.error, AdminError):
            form.email.errors.append(str(saved.error))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/user_new.html", form=form), status


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
        return _listing(400)
    new_role = Role(form.role.data)
    problem = role_change_problem(acting_admin(), user, new_role)
    if problem:
        flash(problem, "warning")
        return redirect(url_for("admin.users"))
    if not form.is_confirmed:
        return render_template("admin/confirm_role.html", user=user, form=form, new_role=new_role)
    with commit_or_flash(AdminError) as saved:
        changed = change_role(acting_admin(), user, new_role, form.reason.data or "")
    if not saved:
        return redirect(url_for("admin.users"))
    if changed:
        flash(f"{user.full_name} is now {new_role.value}.", "success")
    else:
        flash(f"{user.full_name} already had the role {new_role.value}.", "info")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@admin_required
def reset_password(user_id: int) -> Response:
    """Email a user a password-reset link (audited; the admin never sees the link)."""
    user = _user_or_404(user_id)
    record_audit(
        acting_admin(),
        AuditAction.USER_PASSWORD_RESET_SENT,
        "user",
        user.id,
        details={"by": "admin"},
    )
    db.session.commit()
    queue(reset_message(user))
    flash(f"A password-reset link was sent to {user.email}.", "success")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/<int:user_id>/mfa-reset", methods=["POST"])
@admin_required
@step_up_required
def mfa_reset(user_id: int) -> Response:
    """Remove a user's two-step sign-in and sign them out everywhere (audited)."""
    user = _user_or_404(user_id)
    had = user.mfa_enabled
    reset_mfa(user)
    revoked = revoke_all(user)
    record_audit(
        acting_admin(),
        AuditAction.USER_MFA_RESET,
        "user",
        user.id,
        details={"had_mfa": had, "revoked": revoked},
    )
    db.session.commit()
    flash(f"Two-step sign-in was reset for {user.full_name}; they were signed out.", "success")
    return redirect(url_for("admin.users"))
