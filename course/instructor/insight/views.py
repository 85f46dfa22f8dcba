"""Insight pages for staff: item analysis, mastery per objective, cohort report and CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from flask import Response, abort, render_template, request, stream_with_context
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from course.audit import record_audit
from course.audit_actions import AuditAction
from course.dbsetup import db_write
from course.extensions import db
from course.instructor.blueprint import bp
from course.instructor.insight import cohort as cohort_svc
from course.instructor.insight import item_table as items
from course.instructor.insight import services as svc
from course.instructor.insight.charts import Bar, PercentBar, funnel_svg, histogram_svg, percent_svg
from course.instructor.insight.forms import CohortFilterForm
from course.models import Course, CourseEvaluation, Quiz, User
from course.permissions import staff_required

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@bp.route("/quizzes/<int:quiz_id>/analysis")
@staff_required
def item_analysis(quiz_id: int) -> Response:
    """Show every question version in a sortable table, then its details (staff)."""
    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None:
        abort(404)
    problem, status = None, 200
    try:
        sort = items.parse_sort(request.args.get("sort"))
    except items.SortProblem as exc:
        problem, status, sort = str(exc), 400, items.parse_sort(None)
    analysis = svc.item_analysis(quiz)
    html = render_template(
        "instructor/insight/item_analysis.html",
        analysis=analysis,
        reports=items.sort_reports(analysis.versions, sort),
        sort=sort,
        columns={name: label for name, (label, _) in items.SORTS.items()},
        sort_problem=problem,
    )
    return Response(html, status=status)


@bp.route("/courses/<slug>/mastery")
@staff_required
def mastery(slug: str) -> str:
    """Show how well learners meet each module objective and each tag (staff)."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        abort(404)
    objectives, tags = svc.mastery(course)
    bars = [
        PercentBar(
            f"M{r.module.position}: {r.label}" if r.module else r.label,
            None if r.mastery is None else r.mastery * 100,
            f" (n={r.responses}{', small sample' if r.caution else ''})" if r.responses else "",
        )
        for r in objectives
    ]
    return render_template(
        "instructor/insight/mastery.html",
        course=course,
        objectives=objectives,
        tags=tags,
        chart=percent_svg("mastery-chart", "Mastery by learning objective", bars),
        min_attempts=svc.MIN_ATTEMPTS,
    )


def _filter_form() -> tuple[CohortFilterForm, cohort_svc.Cohort | None, bool]:
    """Bind the filters from the query string; pick the busiest course when none is named."""
    courses = list(db.session.scalars(select(Course).order_by(Course.title, Course.id)))
    form = CohortFilterForm(request.args)
    form.course.choices = [SelectChoice(c.slug, c.title) for c in courses]
    if not form.course.data and (busiest := cohort_svc.busiest_course(courses)):
        form.course.data = busiest.slug
    valid = form.validate()
    course = next((c for c in courses if c.slug == form.course.data), None)
    return form, (cohort_svc.cohort_for(course) if course else None), valid


def _render_cohort(
    form: CohortFilterForm, cohort: cohort_svc.Cohort | None, status: int = 200
) -> Response:
    """Render the report page, with figures only when the filters are valid."""
    context: dict[str, object] = {"form": form, "cohort": cohort, "states": cohort_svc.STATES}
    if cohort is not None and status == 200:
        filters = form.filters()
        page = cohort_svc.cohort_page(cohort, filters, form.page.data or 1)
        stages = cohort_svc.funnel(cohort, filters, page.total)
        bins = cohort_svc.final_histogram(cohort, filters)
        context |= {
            "page": page,
            "args": form.query_args(),
            "funnel_chart": funnel_svg(
                "funnel-chart", "Completion funnel", [Bar(label, n) for label, n in stages]
            ),
            "histogram_chart": histogram_svg(
                "final-chart", "Best final exam scores", bins, "Best final exam score (%)"
            ),
            "final_takers": sum(bins),
        }
    html = render_template("instructor/insight/cohort.html", **context)
    return Response(html, status=status)


@bp.route("/cohort")
@staff_required
def cohort() -> Response:
    """Show learners x modules with filters, pagination and charts (staff)."""
    form, cohort_, valid = _filter_form()
    return _render_cohort(form, cohort_, 200 if valid else 400)


def csv_safe(value: object) -> str:
    """Render a cell so spreadsheets never run it as a formula (= + - @ get a leading quote)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _percent(score: float | None) -> str:
    return "" if score is None else f"{score * 100:.0f}"


def _cells(row: cohort_svc.LearnerRow) -> list[object]:
    """One learner's CSV cells, in header order."""
    per_module = [
        cell
        for status, score in zip(row.statuses, row.scores, strict=True)
        for cell in (status, _percent(score))
    ]
    completed = row.completed_at.date().isoformat() if row.completed_at else ""
    return [
        row.name,
        row.email,
        row.profession,
        row.enrolled_at.date().isoformat(),
        *per_module,
        _percent(row.final),
        completed,
    ]


def _lines(rows: Iterable[Iterable[object]]) -> str:
    """Format rows as CSV text with every cell made formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows([csv_safe(v) for v in row] for row in rows)
    return buffer.getvalue()


def cohort_csv_chunks(
    cohort: cohort_svc.Cohort, filters: cohort_svc.CohortFilters
) -> Iterator[str]:
    """Yield the header, then one chunk of CSV text per streamed batch of learners."""
    header: list[object] = ["Name", "Email", "Profession", "Enrolled"]
    for m in cohort.modules:
        header += [f"Module {m.position} status", f"Module {m.position} best %"]
    yield _lines([[*header, "Final best %", "Course completed"]])
    for batch in cohort_svc.iter_cohort(cohort, filters, cohort_svc.CSV_BATCH):
        yield _lines(_cells(row) for row in batch)


@bp.route("/cohort.csv")
@staff_required
def cohort_csv() -> Response:
    """Stream the filtered cohort as CSV, in batches, never holding every learner (staff)."""
    form, cohort_, valid = _filter_form()
    if not valid:
        return _render_cohort(form, cohort_, 400)
    if cohort_ is None:
        abort(404)  # no course at all
    filename = f"cohort-{cohort_.course.slug}.csv"
    # Who took a copy of learners' data, and which slice: the one write this GET makes.
    with db_write():
        record_audit(
            current_user.id,
            AuditAction.COHORT_EXPORT_CSV,
            "course",
            cohort_.course.id,
            details={"filters": form.query_args()},
        )
    return Response(
        stream_with_context(cohort_csv_chunks(cohort_, form.filters())),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/courses/<slug>/evaluations")
@staff_required
def evaluations(slug: str) -> str:
    """Show the course evaluations, bias reports first, with the averages (staff)."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        abort(404)
    rows = db.session.execute(
        select(CourseEvaluation, User.full_name, User.profession)
        .join(User, User.id == CourseEvaluation.user_id)
        .where(CourseEvaluation.course_id == course.id)
        .order_by(CourseEvaluation.free_of_bias, CourseEvaluation.submitted_at.desc())
    ).all()
    count = len(rows)
    summary = {
        "count": count,
        "objectives_met": sum(r[0].objectives_met for r in rows) / count if count else None,
        "relevance": sum(r[0].relevance for r in rows) / count if count else None,
        "bias_reports": sum(1 for r in rows if not r[0].free_of_bias),
    }
    return render_template(
        "instructor/insight/evaluations.html", course=course, rows=rows, summary=summary
    )
