"""CE blueprint: the activity page and its acknowledgement, credit claims, staff pages."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from course.auth.session_user import signed_in_user
from course.ce.activity import MITIGATED_STATEMENT, Activity, load_activity
from course.ce.editing import BLOCKS, BlockProblem, block_text, save_block
from course.ce.forms import AcknowledgeForm, BlockForm
from course.ce.gate import guard_content
from course.ce.registry import CREDIT_TYPES
from course.ce.schema import MITIGATIONS
from course.ce.services import (
    acknowledge,
    acknowledgement,
    ce_publish_blockers,
    expiry_notice,
    is_enrolled,
    today,
)
from course.ce.staff import staff_home as build_staff_home
from course.extensions import db
from course.models import Course, PublishStatus
from course.permissions import staff_preview, staff_required
from course.unit_of_work import commit_or_flash

bp = Blueprint("ce", __name__)
bp.before_app_request(guard_content)


def published_course_or_404(slug: str) -> Course:
    """A published course (staff may also open drafts)."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    visible = course is not None and (course.status == PublishStatus.PUBLISHED or staff_preview())
    if not visible:
        abort(404)
    return course


def _activity_or_404(course_slug: str) -> tuple[Course, Activity]:
    course = published_course_or_404(course_slug)
    found = load_activity(course)
    if found is None or found.info is None:
        abort(404)
    return course, found


def _activity_page(course: Course, found: Activity, form: AcknowledgeForm) -> str:
    signed_in = current_user.is_authenticated
    return render_template(
        "ce/activity.html",
        course=course,
        activity=found,
        form=form,
        acknowledged=acknowledgement(current_user.id, course.id) if signed_in else None,
        mitigated_statement=MITIGATED_STATEMENT,
        mitigations=MITIGATIONS,
        types=CREDIT_TYPES,
        notice=expiry_notice(found),
    )


@bp.route("/courses/<course_slug>/activity")
def activity(course_slug: str) -> str:
    """Show the activity information and disclosures, with the acknowledgement (anyone)."""
    course, found = _activity_or_404(course_slug)
    return _activity_page(course, found, AcknowledgeForm())


@bp.route("/courses/<course_slug>/activity/acknowledge", methods=["POST"])
@login_required
def acknowledge_activity(course_slug: str) -> Response | tuple[str, int]:
    """Record the signed-in learner's acknowledgement, then open module 1 (signed-in users)."""
    course, found = _activity_or_404(course_slug)
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        return _activity_page(course, found, form), 400
    acknowledge(current_user.id, course)
    db.session.commit()
    flash("Thank you: your acknowledgement was recorded.", "success")
    modules = [m for m in course.modules if m.is_published]
    if not modules or not is_enrolled(current_user.id, course.id):
        return redirect(url_for("learning.course_page", course_slug=course.slug))
    return redirect(
        url_for("learning.module", course_slug=course.slug, module_slug=modules[0].slug)
    )


@bp.route("/privacy")
def privacy() -> str:
    """Say what Practicum records about learners and why (anyone)."""
    return render_template("ce/privacy.html")


@bp.route("/ce/courses/<course_slug>/<block>", methods=["GET", "POST"])
@staff_required
def edit(course_slug: str, block: str) -> str | Response | tuple[str, int]:
    """Edit one CE block (activity, disclosures, designations) as YAML (instructors, admins)."""
    if block not in BLOCKS:
        abort(404)
    course = published_course_or_404(course_slug)
    form = BlockForm()
    if request.method == "GET":
        form.text.data = block_text(course, block)
    elif form.validate_on_submit():
        with commit_or_flash(BlockProblem, flash_errors=False) as saved:
            save_block(course, block, form.text.data or "", signed_in_user())
        if isinstance(saved.error, BlockProblem):
            form.text.errors = list(saved.error.errors)
        if saved:
            flash(f"Saved the {block} of “{course.title}”.", "success")
            return redirect(url_for("ce.edit", course_slug=course.slug, block=block))
    status = 400 if form.is_submitted() else 200
    context = {
        "course": course,
        "block": block,
        "blocks": BLOCKS,
        "form": form,
        "blockers": ce_publish_blockers(course),
    }
    return render_template("ce/edit.html", **context), status


@bp.route("/ce/staff")
@staff_required
def staff_home() -> str:
    """Show what needs attention: approvals, review and expiry dates, disclosures (staff)."""
    return render_template("ce/staff_home.html", home=build_staff_home(today()))
