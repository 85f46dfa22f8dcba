"""Quiz settings: their own page, reached from the bank and the module list (staff).

Routes on the instructor blueprint; course/instructor/__init__.py imports this module.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from course.extensions import db
from course.instructor.bank.settings_form import QuizSettingsForm
from course.instructor.bank.yaml_io import SettingsInvalid, check_quiz_settings, save_quiz_settings
from course.instructor.blueprint import bp
from course.models import Quiz
from course.permissions import staff_required
from course.quiz.services import question_pool
from course.unit_of_work import commit_or_flash


@bp.route("/quizzes/<int:quiz_id>/settings", methods=["GET", "POST"])
@staff_required
def quiz_settings(quiz_id: int) -> str | Response:
    """Edit a quiz's settings; existing attempts keep their own snapshot (staff)."""
    quiz = db.session.get(Quiz, quiz_id) or abort(404)
    data = QuizSettingsForm.initial(quiz.rules) if request.method == "GET" else None
    form = QuizSettingsForm(data=data)
    if form.is_submitted():
        form.validate()  # CSRF, and what WTForms parses (whole numbers, list choices)
        settings = None if form.csrf_token.errors else form.settings(quiz.rules)
        if settings is not None:
            with commit_or_flash(SettingsInvalid, flash_errors=False) as saved:
                settings = check_quiz_settings(quiz, settings.model_dump(mode="json"))
                changed = save_quiz_settings(quiz, settings, current_user.id)
            if isinstance(saved.error, SettingsInvalid):
                for loc, message in saved.error.errors:
                    form.attach(loc, message)
            if saved:
                flash(
                    f"Settings saved ({len(changed)} changed)." if changed else "Nothing changed."
                )
                return redirect(url_for("instructor.quiz_settings", quiz_id=quiz.id))
    pool = len(question_pool(quiz))
    return render_template("instructor/bank/settings.html", form=form, quiz=quiz, pool=pool)
