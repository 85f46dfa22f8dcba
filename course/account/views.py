"""Account blueprint (signed-in users): export all your data; close your account."""

from __future__ import annotations

import json

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from course import clock
from course.account.forms import CloseForm, ExportForm
from course.account.services import close_account, export_data
from course.audit import record_audit
from course.audit_actions import AuditAction
from course.auth.passwords import verify_password
from course.auth.session_user import signed_in_user
from course.extensions import db

bp = Blueprint("account", __name__)


def _me():
    return signed_in_user()


@bp.route("/export", methods=["POST"])
@login_required
def export() -> Response:
    """Download everything held about you as one JSON file (audited)."""
    if not ExportForm(prefix="export").validate_on_submit():
        flash("Your session expired; please try the export again.", "warning")
        return redirect(url_for("account.close"))
    data = export_data(_me())
    record_audit(_me(), AuditAction.USER_EXPORT, "user", current_user.id)
    db.session.commit()
    response = Response(json.dumps(data, indent=2, ensure_ascii=False), mimetype="application/json")
    stamp = clock.now().strftime("%Y%m%d")
    response.headers["Content-Disposition"] = f'attachment; filename="practicum-data-{stamp}.json"'
    return response


@bp.route("/close", methods=["GET", "POST"])
@login_required
def close() -> str | Response | tuple[str, int]:
    """Explain, then close your account after your password and a confirmation."""
    form = CloseForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.password.data):
            form.password.errors.append("The password is incorrect.")
        else:
            close_account(_me())
            db.session.commit()
            logout_user()
            flash("Your account is closed. Issued certificates stay verifiable.", "info")
            return redirect(url_for("learning.catalog"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "account/close.html", form=form, export_form=ExportForm(prefix="export")
    ), status
