"""Question bank: version history and regrade (dry run, then apply) (staff).

Routes on the instructor blueprint; course/instructor/__init__.py imports this module.
"""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from course.extensions import db
from course.instructor.bank.regrade import apply_regrade, regrade_plan
from course.instructor.bank.services import BankError, version_usage
from course.instructor.bank.views import load_question
from course.instructor.bank.yaml_forms import RegradeForm
from course.instructor.bank.yaml_io import version_diff, version_text
from course.instructor.blueprint import bp
from course.models import User
from course.permissions import staff_required
from course.unit_of_work import commit_or_flash


@bp.route("/questions/<int:question_id>/history")
@staff_required
def question_history(question_id: int) -> str:
    """Show every version with a diff against the one before (staff)."""
    question = load_question(question_id)
    versions = question.versions
    diffs = [version_diff(a, b) for a, b in zip(versions, versions[1:], strict=False)]
    rows = list(zip(versions, [None, *diffs], strict=True))[::-1]
    ids = {v.created_by_id for v in versions if v.created_by_id}
    names = db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids)))
    authors = {user_id: name for user_id, name in names}
    return render_template(
        "instructor/bank/history.html",
        question=question,
        rows=rows,
        usage=version_usage(question.id),
        authors=authors,
        text_of=version_text,
    )


@bp.route("/questions/<int:question_id>/regrade")
@staff_required
def question_regrade(question_id: int) -> str:
    """Dry run: list whose results would change on the current key; changes nothing (staff)."""
    question = load_question(question_id)
    plan = regrade_plan(question)
    form = RegradeForm(formdata=None, token=plan.token)
    return render_template("instructor/bank/regrade.html", question=question, plan=plan, form=form)


@bp.route("/questions/<int:question_id>/regrade", methods=["POST"])
@staff_required
def question_regrade_apply(question_id: int) -> Response:
    """Apply the confirmed dry run, update scores and pass states, and audit it (staff)."""
    question = load_question(question_id)
    form = RegradeForm()
    if not form.validate_on_submit():
        flash("Confirm the regrade from its dry run.", "warning")
        return redirect(url_for("instructor.question_regrade", question_id=question.id))
    with commit_or_flash(BankError) as saved:
        plan = apply_regrade(question, form.token.data, current_user.id)
    if not saved:
        return redirect(url_for("instructor.question_regrade", question_id=question.id))
    flash(f"Regraded {len(plan.changes)} attempt(s) on version {plan.target.number}.", "success")
    return redirect(url_for("instructor.question_history", question_id=question.id))
