"""Question bank (instructors and admins): list, editor and lifecycle.

YAML export and import live in bank.yaml_views; version history in bank.version_views;
regrade in bank.regrade_views; quiz settings in bank.settings_views.
"""

from __future__ import annotations

import re

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from course.content.itemwriting import item_warnings
from course.content.schema import TAGS
from course.extensions import db
from course.instructor.bank.forms import MAX_OPTIONS, ConfirmForm, QuestionForm, question_form_data
from course.instructor.bank.listing import (
    FLAGS,
    filters_from_args,
    group_by_module,
    list_questions,
)
from course.instructor.bank.services import (
    BankError,
    build_payload,
    change_status,
    create_question,
    delete_question,
    next_uid,
    update_question,
    version_usage,
)
from course.instructor.blueprint import bp
from course.models import Course, Question
from course.pagination import page_number, paginate_list
from course.permissions import staff_required
from course.quiz.types import REGISTRY
from course.unit_of_work import commit_or_flash


def course_from_args(required: bool = True) -> Course | None:
    """Return the course named by ?course=slug, else the first course."""
    slug = request.args.get("course")
    stmt = select(Course).order_by(Course.id).limit(1)
    course = db.session.scalar(select(Course).where(Course.slug == slug) if slug else stmt)
    if course is None and (required or slug):
        abort(404)
    return course


def load_question(question_id: int) -> Question:
    """Load a question with all its versions, or abort with 404."""
    question = db.session.scalar(
        select(Question).options(selectinload(Question.versions)).where(Question.id == question_id)
    )
    if question is None:
        abort(404)
    return question


@bp.route("/questions")
@staff_required
def questions() -> str:
    """List a course's questions with filters, usage and item statistics (staff)."""
    course = course_from_args(required=False)
    courses = db.session.scalars(select(Course).order_by(Course.id)).all()
    if course is None:
        return render_template("instructor/bank/list.html", course=None, courses=courses)
    filters = filters_from_args(course, request.args)
    rows = list_questions(course, filters)
    pager = paginate_list(rows, page_number())
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "instructor/bank/list.html",
        course=course,
        courses=courses,
        filters=filters,
        groups=group_by_module(pager.items),
        total=pager.total,
        page=pager.number,
        pages=pager.pages,
        pager=pager,
        args=args,
        flags=FLAGS,
        tags=TAGS,
        types=REGISTRY,
        modules={m.id: m for m in course.modules},
        quizzes={q.module_id: q for q in course.quizzes},
    )


def _save(form: QuestionForm, question: Question | None) -> Response | None:
    """Validate against the schema and store; return a redirect, or None to re-render."""
    uid = question.uid if question else form.uid.data or next_uid(form.course, form.module_obj)
    try:
        payload = build_payload(form.entry_data(uid))
    except ValidationError as exc:
        for error in exc.errors():
            form.attach(tuple(error["loc"]), error["msg"].removeprefix("Value error, "))
        return None
    if question is None:
        question = create_question(form.course, form.module_obj, uid, payload, current_user.id)
        message = f"Question {uid} created as a draft (version 1)."
    else:
        version = update_question(
            question, form.module_obj, payload, current_user.id, hold_published=True
        )
        message = f"Saved as version {version.number}." if version else "Nothing changed."
        if version is not None and question.pending_draft:
            message = (
                f"Saved as draft version {version.number}. Learners keep getting version "
                f"{question.live_number} until you publish it."
            )
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("instructor.question_edit", question_id=question.id))


def _editor(form: QuestionForm, question: Question | None) -> str | Response:
    """Handle the editor's buttons: add an option, preview (no save) or save."""
    preview, warnings = None, []
    if request.method == "POST":
        action = request.form.get("action", "save")
        if action == "add_option" and len(form.options) < MAX_OPTIONS:
            form.options.append_entry()
        elif action != "add_option":
            valid = form.validate_on_submit()
            if action == "preview":
                preview = form.preview()
            elif valid and (saved := _save(form, question)) is not None:
                return saved
        warnings = form.warnings()
    elif question is not None:
        current = question.current
        warnings = item_warnings(
            current.stem, current.options, current.references, qtype=current.qtype
        )
    usage = version_usage(question.id) if question else {}
    suggested = None if question else next_uid(form.course, form.module_obj)
    return render_template(
        "instructor/bank/edit.html",
        form=form,
        question=question,
        preview=preview,
        warnings=warnings,
        used=sum(usage.values()),
        max_options=MAX_OPTIONS,
        suggested_uid=suggested,
        analysis_link=_analysis_link(question),
    )


def _analysis_link(question: Question | None) -> str | None:
    """Back to the item analysis this editor was opened from, in the order it was sorted."""
    quiz_id = request.args.get("from_analysis", type=int)
    quizzes = {q.id for q in question.course.quizzes} if question else set()
    if quiz_id not in quizzes:
        return None
    sort = request.args.get("sort", "")
    sort = sort if re.fullmatch(r"-?[a-z_]{1,20}", sort) else None
    return url_for("instructor.item_analysis", quiz_id=quiz_id, sort=sort)


@bp.route("/questions/new", methods=["GET", "POST"])
@staff_required
def question_new() -> str | Response:
    """Write a new question (saved as a draft) with preview and item-writing checks (staff)."""
    course = course_from_args()
    data = None
    if request.method == "GET":
        module = next((m for m in course.modules if m.slug == request.args.get("module")), None)
        module = module or (course.modules[0] if course.modules else None)
        data = {"module": module.id if module else None, "options": [{}] * 4}
        data["difficulty"] = "medium"
    return _editor(QuestionForm(course=course, data=data), None)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@staff_required
def question_edit(question_id: int) -> str | Response:
    """Edit a question; a real change saves a new version, never altering old ones (staff)."""
    question = load_question(question_id)
    data = question_form_data(question, question.current) if request.method == "GET" else None
    return _editor(QuestionForm(course=question.course, existing=question, data=data), question)


def _transition(question_id: int, action: str) -> Response:
    question = load_question(question_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    with commit_or_flash(BankError) as saved:  # the rollback this block once skipped
        status = change_status(question, action, current_user.id)
    if saved:
        live = f" (version {question.latest_number} is live)" if action == "publish" else ""
        flash(f"Question {question.uid} is now {status.value}{live}.", "success")
    return redirect(url_for("instructor.question_edit", question_id=question.id))


@bp.route("/questions/<int:question_id>/publish", methods=["POST"])
@staff_required
def question_publish(question_id: int) -> Response:
    """Publish a draft, or a published question's waiting draft version, so quizzes draw it."""
    return _transition(question_id, "publish")


@bp.route("/questions/<int:question_id>/retire", methods=["POST"])
@staff_required
def question_retire(question_id: int) -> Response:
    """Retire a question: no longer drawn; past attempts keep it (staff)."""
    return _transition(question_id, "retire")


@bp.route("/questions/<int:question_id>/restore", methods=["POST"])
@staff_required
def question_restore(question_id: int) -> Response:
    """Bring a retired question back as a draft, to be checked and published again (staff)."""
    return _transition(question_id, "restore")


@bp.route("/questions/<int:question_id>/delete", methods=["POST"])
@staff_required
def question_delete(question_id: int) -> Response:
    """Delete a never-attempted draft after confirmation (staff)."""
    question = load_question(question_id)
    form = ConfirmForm()
    if not form.validate_on_submit() or form.confirm.data != "delete":
        flash("Deletion was not confirmed.", "warning")
        return redirect(url_for("instructor.question_edit", question_id=question.id))
    course, uid = question.course, question.uid
    with commit_or_flash(BankError) as saved:
        delete_question(question, current_user.id)
    if not saved:
        return redirect(url_for("instructor.question_edit", question_id=question_id))
    flash(f"Draft {uid} deleted.", "success")
    return redirect(url_for("instructor.questions", course=course.slug))
