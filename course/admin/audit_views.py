"""The admin home, the audit log page and its CSV export (admins only)."""

from __future__ import annotations

from dataclasses import replace

from flask import render_template, request
from werkzeug.wrappers import Response

from course import clock
from course.admin.audit_log import (
    AuditFilter,
    action_label,
    audit_csv,
    audit_query,
    describe,
    known_values,
    targets,
)
from course.admin.forms import AuditSearchForm
from course.admin.pages import audit_page
from course.admin.views import bp
from course.ce.staff import staff_home
from course.pagination import page_number
from course.permissions import admin_required


def _audit_filter() -> tuple[AuditSearchForm, AuditFilter]:
    """Read the audit filters from the query string (bad dates are named, then ignored)."""
    form = AuditSearchForm(request.args)
    actions, types = known_values()
    form.action.choices = [("", "Any action")] + [(a, action_label(a)) for a in actions]
    form.target_type.choices = [("", "Any target")] + [(t, t.title()) for t in types]
    form.validate()
    since = form.since.data if not form.since.errors else None
    until = form.until.data if not form.until.errors else None
    f = AuditFilter(form.action.data or "", form.actor.data or "", form.target_type.data or "")
    return form, replace(f, since=since, until=until)


@bp.route("/")
@admin_required
def home() -> str:
    """Admin home: certificates awaiting approval, courses needing review, recent audit events."""
    staff = staff_home(clock.now().date())
    recent = audit_page(1, per_page=10)
    found, names = targets(recent.items)
    return render_template(
        "admin/home.html",
        staff=staff,
        flagged=[row for row, _ in staff.queue if row.revoked is not None],
        attention=[w for w in staff.courses if w.needs_attention],
        recent=recent.items,
        targets=found,
        details={e.id: describe(e, names) for e in recent.items},
        action_label=action_label,
    )


@bp.route("/audit")
@admin_required
def audit() -> str:
    """The audit log, newest first, filtered and paginated, in plain language."""
    form, filters = _audit_filter()
    page = audit_page(page_number(), audit_query(filters))
    found, names = targets(page.items)
    return render_template(
        "admin/audit.html",
        page=page,
        form=form,
        targets=found,
        details={e.id: describe(e, names) for e in page.items},
        action_label=action_label,
    )


@bp.route("/audit.csv")
@admin_required
def audit_export() -> Response:
    """The filtered audit log as a CSV download (admins)."""
    _, filters = _audit_filter()
    response = Response(audit_csv(audit_query(filters)), mimetype="text/csv")
    stamp = clock.now().strftime("%Y%m%d-%H%M")
    response.headers["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
