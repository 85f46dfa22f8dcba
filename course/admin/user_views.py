"""Admin user management (admins only): the user list and role changes."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from course.admin.forms import RoleForm
from course.admin.pages import users_page
from course.admin.services import AdminError, change_role, role_change_problem
from course.admin.views import acting_admin, bp, page_number
from course.extensions import db
from course.models import Role, User
from course.permissions import admin_required


@bp.route("/users")
@admin_required
def users() -> str:
    """Every account with its role, and a way to change it."""
    return render_template("admin/users.html", page=users_page(page_number()), roles=list(Role))


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@admin_required
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
    problem = role_change_problem(acting_admin(), user, new_role)
    if problem:
        flash(problem, "warning")
        return redirect(url_for("admin.users"))
    if not form.is_confirmed:
        return render_template("admin/confirm_role.html", user=user, form=form, new_role=new_role)
    try:
        changed = change_role(acting_admin(), user, new_role, form.reason.data or "")
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
