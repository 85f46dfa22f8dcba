"""Question bank: regrade (dry run, then apply) (staff).

Routes on the instructor blueprint; course/instructor/__init__.py imports this module.
"""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user

from course.instructor.bank.regrade import apply_regrade, regrade_plan
from course.instructor.bank.services import BankError
from course.instructor.bank.views import load_question
from course.instructor.blueprint import bp
from course.instructor.preview import CommitForm, TokenProblem
from course.permissions import staff_required
from course.unit_of_work import commit_or_flash

REGRADE_SALT = "instructor-regrade"


@bp.route("/questions/<int:question_id>/regrade")
@staff_required
def question_regrade(question_id: int) -> str:
    """Dry run: list whose results would change on the current key; changes nothing (staff)."""
    question = load_question(question_id)
    plan = regrade_plan(question)
    form = CommitForm(formdata=None)
    form.seal(
        {"question_id": question.id},
        salt=REGRADE_SALT,
        user_id=current_user.id,
        fingerprint=plan.token,
    )
    return render_template("instructor/bank/regrade.html", question=question, plan=plan, form=form)


@bp.route("/questions/<int:question_id>/regrade", methods=["POST"])
@staff_required
def question_regrade_apply(question_id: int) -> Response:
    """Apply the confirmed dry run, update scores and pass states, and audit it (staff)."""
    question = load_question(question_id)
    form = CommitForm()
    if not form.validate_on_submit():
        flash("Confirm the regrade from its dry run.", "warning")
        return redirect(url_for("instructor.question_regrade", question_id=question.id))
    with commit_or_flash(BankError, TokenProblem) as saved:
        sealed = form.open(REGRADE_SALT, user_id=current_user.id)
        if sealed.data.get("question_id") != question.id:
            raise TokenProblem("This dry run was for another question: check this one's dry run.")
        plan = apply_regrade(question, sealed.fingerprint, current_user.id)
    if not saved:
        return redirect(url_for("instructor.question_regrade", question_id=question.id))
    flash(f"Regraded {len(plan.changes)} attempt(s) on version {plan.target.number}.", "success")
    return redirect(url_for("instructor.question_history", question_id=question.id))
