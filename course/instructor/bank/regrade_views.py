"""Question bank: regrade (dry run, then apply) and quiz settings (staff).

Routes on the instructor blueprint; course/instructor/bank.py imports this module.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from course.extensions import db
from course.instructor import bp
from course.instructor.bank.regrade import apply_regrade, regrade_plan
from course.instructor.bank.services import BankError
from course.instructor.bank.settings_forms import QuizSettingsForm
from course.instructor.bank.views import load_question
from course.instructor.bank.yaml_io import SettingsInvalid, check_quiz_settings, save_quiz_settings
from course.instructor.preview import CommitForm, TokenProblem
from course.models import Quiz
from course.permissions import staff_required
from course.quiz.services import question_pool

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
    try:
        sealed = form.open(REGRADE_SALT, user_id=current_user.id)
        if sealed.data.get("question_id") != question.id:
            raise TokenProblem("This dry run was for another question: check this one's dry run.")
        plan = apply_regrade(question, sealed.fingerprint, current_user.id)
    except (BankError, TokenProblem) as exc:
        db.session.rollback()
        flash(str(exc), "warning")
        return redirect(url_for("instructor.question_regrade", question_id=question.id))
    db.session.commit()
    flash(f"Regraded {len(plan.changes)} attempt(s) on version {plan.target.number}.", "success")
    return redirect(url_for("instructor.question_history", question_id=question.id))


@bp.route("/quizzes/<int:quiz_id>/settings", methods=["GET", "POST"])
@staff_required
def quiz_settings(quiz_id: int) -> str | Response:
    """Edit a quiz's settings; existing attempts keep their own snapshot (staff)."""
    quiz = db.session.get(Quiz, quiz_id) or abort(404)
    data = QuizSettingsForm.initial(quiz.settings) if request.method == "GET" else None
    form = QuizSettingsForm(data=data)
    if form.validate_on_submit():
        try:
            settings = check_quiz_settings(quiz, form.settings_data(quiz.settings))
        except SettingsInvalid as exc:
            for loc, message in exc.errors:
                form.attach(loc, message)
        else:
            changed = save_quiz_settings(quiz, settings, current_user.id)
            db.session.commit()
            flash(f"Settings saved ({len(changed)} changed)." if changed else "Nothing changed.")
            return redirect(url_for("instructor.quiz_settings", quiz_id=quiz.id))
    pool = len(question_pool(quiz))
    return render_template("instructor/bank/settings.html", form=form, quiz=quiz, pool=pool)
