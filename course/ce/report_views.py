"""Admin reporting: pre-validation pages and PARS / CE Broker exports (part of the CE blueprint).

Each export first lists, row by row, what the board would reject; the download holds only the
valid rows. Pages and files read the rows in one streamed query (see ce/reporting.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, abort, render_template, request, stream_with_context, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, StringField
from wtforms.validators import Length, Optional, ValidationError

from course.ce.activity_report import activity_csv, activity_rows
from course.ce.export_files import (
    PARS_COLUMNS,
    Tracking,
    cebroker_columns,
    csv_chunks,
    xlsx_bytes,
)
from course.ce.reporting import (
    KINDS,
    ONE_ROW_PER_CERTIFICATE,
    ClaimRow,
    checked,
    claim_rows,
)
from course.ce.views import bp
from course.extensions import db
from course.models import CeActivity, Course
from course.permissions import admin_required

FORMATS = {"pars": ("csv",), "cebroker": ("csv", "xlsx")}
FIELDS = ("start", "end", "provider", "course_number", "publishing")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportForm(FlaskForm):
    """A report's date range and, for CE Broker, the course's tracking numbers (GET: no CSRF)."""

    class Meta:
        csrf = False

    start = DateField("Completed from", [Optional()])
    end = DateField("Completed to", [Optional()])
    provider = StringField("CE Broker provider tracking number", [Optional(), Length(max=40)])
    course_number = StringField("CE Broker course tracking number", [Optional(), Length(max=40)])
    publishing = StringField("CE Broker publishing number", [Optional(), Length(max=40)])

    def validate_end(self, field: DateField) -> None:
        """The range must not run backwards."""
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("The end date is before the start date.")


def _course(slug: str, kind: str) -> Course:
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None or kind not in KINDS:
        abort(404)
    return course


def _form(course: Course) -> tuple[ReportForm, bool]:
    form = ReportForm(request.args)
    defaults = course.rules.ce_broker
    for name in ("provider", "course_number", "publishing"):
        field = getattr(form, name)
        field.data = (field.data or str(defaults.get(name) or "")).strip()
    return form, form.validate()


def _columns(kind: str, form: ReportForm) -> tuple:
    if kind == "pars":
        return PARS_COLUMNS
    tracking = Tracking.parse(form.provider.data, form.course_number.data, form.publishing.data)
    return cebroker_columns(tracking)


def _checked(course: Course, kind: str, form: ReportForm) -> Iterator[tuple[ClaimRow, list[str]]]:
    """The report's rows for the form's range, each with what the board would reject."""
    first_only = kind in ONE_ROW_PER_CERTIFICATE
    return checked(kind, claim_rows(course, form.start.data, form.end.data, first_only))


@bp.route("/ce/reports")
@admin_required
def reports() -> str:
    """List the CE activities and their reports (admins)."""
    courses = db.session.scalars(
        select(Course).join(CeActivity, CeActivity.course_id == Course.id).order_by(Course.slug)
    ).all()
    return render_template("ce/reports.html", courses=courses, kinds=KINDS)


@bp.route("/ce/reports/<course_slug>/<kind>")
@admin_required
def prevalidate(course_slug: str, kind: str) -> tuple[str, int]:
    """List row by row what the board would reject, before any export (admins)."""
    course = _course(course_slug, kind)
    form, ok = _form(course)
    flagged, valid = [], 0
    if ok:
        for row, problems in checked(
            kind,
            claim_rows(course, form.start.data, form.end.data, kind in ONE_ROW_PER_CERTIFICATE),
        ):
            if problems:
                flagged.append((row, problems))
            else:
                valid += 1
    values = {k: v for k, v in request.args.items() if k in FIELDS}
    links = {
        fmt: url_for("ce.export", course_slug=course.slug, kind=kind, fmt=fmt, **values)
        for fmt in FORMATS[kind]
    }
    context = {"course": course, "kind": kind, "title": KINDS[kind], "form": form}
    context |= {"flagged": flagged, "valid": valid, "links": links}
    return render_template("ce/prevalidate.html", **context), 200 if ok else 400


@bp.route("/ce/reports/<course_slug>/<kind>.<fmt>")
@admin_required
def export(course_slug: str, kind: str, fmt: str) -> Response:
    """Download the rows that pass pre-validation, streamed (admins)."""
    course = _course(course_slug, kind)
    if fmt not in FORMATS[kind]:
        abort(404)
    form, ok = _form(course)
    if not ok:
        abort(400)
    columns = _columns(kind, form)
    rows = (
        r
        for r, p in checked(
            kind,
            claim_rows(course, form.start.data, form.end.data, kind in ONE_ROW_PER_CERTIFICATE),
        )
        if not p
    )
    name = f"{kind}-{course.slug}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "xlsx":
        return Response(xlsx_bytes(columns, rows), mimetype=XLSX, headers=headers)
    chunks = stream_with_context(csv_chunks(columns, rows))
    return Response(chunks, mimetype="text/csv", headers=headers)


@bp.route("/ce/reports/activities")
@admin_required
def activity_summary() -> tuple[str, int]:
    """Show the PARS activity summary for a date range, flagging what PARS would reject (admins)."""
    form = ReportForm(request.args)
    ok = form.validate()
    rows = activity_rows(form.start.data, form.end.data) if ok else []
    values = {k: v for k, v in request.args.items() if k in ("start", "end")}
    link = url_for("ce.activity_summary_csv", **values)
    page = render_template("ce/activity_summary.html", form=form, rows=rows, link=link)
    return page, 200 if ok else 400


@bp.route("/ce/reports/activities.csv")
@admin_required
def activity_summary_csv() -> Response:
    """Download the PARS activity summary's valid rows as CSV (admins)."""
    form = ReportForm(request.args)
    if not form.validate():
        abort(400)
    rows = activity_rows(form.start.data, form.end.data)
    headers = {"Content-Disposition": 'attachment; filename="pars-activities.csv"'}
    return Response(activity_csv(rows), mimetype="text/csv", headers=headers)
