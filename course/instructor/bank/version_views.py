"""Question bank: version history with a side-by-side word diff, and restoring a version.

Publishing a waiting draft version is the editor's Publish button (bank.views); here staff
see every version, which one learners get, and can copy an old version into a new one.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from course.extensions import db
from course.instructor.bank.services import BankError, restore_version, version_usage
from course.instructor.bank.views import load_question
from course.instructor.bank.worddiff import side_by_side
from course.instructor.bank.yaml_io import version_text
from course.instructor.blueprint import bp
from course.models import Question, QuestionStatus, QuestionVersion, User
from course.permissions import staff_required
from course.unit_of_work import commit_or_flash


def version_state(question: Question, version: QuestionVersion) -> str:
    """Say what a version is to learners: "live", "draft" (waiting to be published), "skipped"
    (a draft version replaced by a newer one before it was published) or "older"."""
    live = question.live
    if version.number == live.number:
        return "live" if question.status == QuestionStatus.PUBLISHED else question.status.value
    if version.number < live.number:
        return "older"
    return "draft" if version.number == question.latest_number else "skipped"


@bp.route("/questions/<int:question_id>/history")
@staff_required
def question_history(question_id: int) -> str:
    """Show every version, newest first, with a word diff against the one before (staff)."""
    question = load_question(question_id)
    versions = question.versions
    diffs = [
        side_by_side(version_text(a), version_text(b))
        for a, b in zip(versions, versions[1:], strict=False)
    ]
    rows = list(zip(versions, [None, *diffs], strict=True))[::-1]
    ids = {v.created_by_id for v in versions if v.created_by_id}
    names = db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids)))
    return render_template(
        "instructor/bank/history.html",
        question=question,
        rows=rows,
        usage=version_usage(question.id),
        authors={user_id: name for user_id, name in names},
        text_of=version_text,
        state_of=lambda version: version_state(question, version),
    )


@bp.route("/questions/<int:question_id>/versions/<int:number>/restore", methods=["POST"])
@staff_required
def question_version_restore(question_id: int, number: int) -> Response:
    """Copy an old version into a new one; on a published question it waits as a draft."""
    question = load_question(question_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    with commit_or_flash(BankError) as saved:
        version = restore_version(question, number, current_user.id)
    if not saved:
        return redirect(url_for("instructor.question_history", question_id=question.id))
    if question.pending_draft:
        message = (
            f"Version {number} restored as draft version {version.number}. Learners keep "
            f"getting version {question.live_number} until you publish it."
        )
    else:
        message = f"Version {number} restored as version {version.number}."
    flash(message, "success")
    return redirect(url_for("instructor.question_edit", question_id=question.id))
