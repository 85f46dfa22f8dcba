"""JSON API v1: courses, a learner's progress and open attempts, with JSON errors."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from course.extensions import csrf, db
from course.learning.progress import CourseState, QuizState, load_course_states
from course.models import Course, PublishStatus
from course.permissions import api_login_required, own_attempt
from course.quiz.view_models import take_items
from course.urls import public_url

bp = Blueprint("api", __name__)
csrf.exempt(bp)  # read-only GETs; nothing here changes state


def _course_json(course: Course, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": course.slug,
        "title": course.title,
        "summary": course.summary,
        "audience": course.audience,
        "contact_hours": course.contact_hours,
        "url": public_url("learning.course_page", course_slug=course.slug),
    }
    if detail:
        data["disclaimer"] = course.disclaimer
        data["accredited"] = bool(course.accreditation.get("accredited"))
        data["modules"] = [
            {
                "slug": m.slug,
                "title": m.title,
                "order": m.position,
                "minutes": m.minutes,
                "objectives": m.objectives,
                "references": m.references,
            }
            for m in course.modules
            if m.status == PublishStatus.PUBLISHED
        ]
        data["references"] = course.references
    return data


@bp.get("/courses")
def courses() -> Response:
    """List published courses (anyone)."""
    rows = db.session.scalars(
        select(Course).where(Course.status == PublishStatus.PUBLISHED).order_by(Course.title)
    ).all()
    return jsonify(courses=[_course_json(c) for c in rows])


@bp.get("/courses/<slug>")
def course(slug: str) -> Response:
    """Describe one published course with its modules and references (anyone)."""
    row = db.session.scalar(
        select(Course)
        .options(selectinload(Course.modules))
        .where(Course.slug == slug, Course.status == PublishStatus.PUBLISHED)
    )
    if row is None:
        abort(404)
    return jsonify(_course_json(row, detail=True))


def _quiz_json(q: QuizState | None) -> dict[str, Any] | None:
    if q is None:
        return None
    return {
        "quiz_id": q.quiz.id,
        "title": q.quiz.title,
        "pass_score": q.pass_score,
        "attempts_used": q.attempts_used,
        "attempts_remaining": q.remaining,
        "best_score": q.best_score,
        "passed": q.passed,
    }


def _state_json(state: CourseState) -> dict[str, Any]:
    step = state.next_step
    return {
        "course": state.course.slug,
        "enrolled_at": state.enrollment.enrolled_at.isoformat() if state.enrollment else None,
        "completed_at": (
            state.enrollment.completed_at.isoformat()
            if state.enrollment and state.enrollment.completed_at
            else None
        ),
        "percent_complete": state.percent,
        "modules_complete": state.completed_count,
        "modules_total": len(state.modules),
        "next_step": step[0] if step else None,
        "resume_module": state.resume.slug if state.resume else None,
        "modules": [
            {
                "slug": m.module.slug,
                "status": m.status,
                "locked": m.locked,
                "first_viewed_at": m.progress.first_viewed_at.isoformat() if m.progress else None,
                "last_viewed_at": m.progress.last_viewed_at.isoformat() if m.progress else None,
                "completed_at": (
                    m.progress.completed_at.isoformat()
                    if m.progress and m.progress.completed_at
                    else None
                ),
                "quiz": _quiz_json(m.quiz),
            }
            for m in state.modules
        ],
        "final_exam": _quiz_json(state.final),
    }


@bp.get("/me/progress")
@api_login_required
def my_progress() -> Response:
    """Return the signed-in learner's progress in every enrolled course (self only)."""
    return jsonify(courses=[_state_json(s) for s in load_course_states(current_user.id)])


@bp.get("/attempts/<int:attempt_id>")
@api_login_required
def attempt(attempt_id: int) -> Response:
    """Return one's own attempt: questions without any key while open; score once submitted."""
    row = own_attempt(attempt_id)
    data: dict[str, Any] = {
        "id": row.id,
        "quiz_id": row.quiz_id,
        "number": row.number,
        "status": row.status.value,
        "deadline": row.deadline.isoformat() if row.deadline else None,
    }
    if row.is_open:
        data["questions"] = [
            {
                "position": i.position,
                "stem_html": i.stem_html,
                "input": i.input_type,
                "options": [
                    {"id": o.token, "html": o.html, "selected": o.checked} for o in i.options
                ],
            }
            for i in take_items(row)
        ]
    else:
        data.update(
            score=row.score,
            passed=row.passed,
            review_url=public_url("quiz.review", attempt_id=row.id),
        )
    return jsonify(data)
