"""Quiz blueprint: overview (pass mark shown first), take, save, submit once, review."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from werkzeug.wrappers import Response

from course import clock
from course.certificates.journey import next_steps
from course.dbsetup import db_write, writes_late
from course.extensions import db
from course.learning.progress import load_course_states
from course.models import Attempt, Quiz, QuizKind
from course.permissions import own_attempt
from course.quiz.grading import score_attempt
from course.quiz.review import review_visibility
from course.quiz.services import QuizError, check_can_start, start_attempt
from course.quiz.sheet import own_sheet
from course.quiz.submit import decode_answers, finalize_attempt, save_answers
from course.quiz.view_models import review_items, take_items
from course.unit_of_work import commit_or_flash
from course.web import reader_time_zone

bp = Blueprint("quiz", __name__)


def _quiz_or_404(quiz_id: int) -> Quiz:
    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None:
        abort(404)
    return quiz


def _state_for(quiz: Quiz):
    states = load_course_states(current_user.id, quiz.course.slug)
    if not states:  # the course is not published: its quizzes are not open
        abort(404)
    state = states[0]
    if quiz.kind == QuizKind.FINAL:
        return state, state.final
    module_state = state.state_for(quiz.module_id)
    return state, module_state.quiz if module_state else None


@bp.route("/<int:quiz_id>")
@login_required
def overview(quiz_id: int) -> str:
    """Show a quiz's rules (pass mark, attempts, time), history and the start button (learners)."""
    quiz = _quiz_or_404(quiz_id)
    state, qstate = _state_for(quiz)
    history = db.session.scalars(
        select(Attempt)
        .where(Attempt.quiz_id == quiz.id, Attempt.user_id == current_user.id)
        .order_by(Attempt.number)
    ).all()
    return render_template(
        "quiz/overview.html",
        quiz=quiz,
        state=state,
        qstate=qstate,
        history=history,
        blocker=_start_blocker(state, quiz, qstate),
        next_steps=next_steps(current_user.id, [state]),
        form=FlaskForm(),
    )


def _start_blocker(state, quiz: Quiz, qstate) -> str | None:
    """Why a new attempt cannot start now (passed, no attempts left, cooldown), or None."""
    if qstate is not None and qstate.open_attempt_id is not None:
        return None
    now = clock.now()
    try:
        check_can_start(state, quiz, now)
    except QuizError as exc:
        return exc.wording(reader_time_zone(), now)
    return None


@bp.route("/<int:quiz_id>/start", methods=["POST"])
@login_required
def start(quiz_id: int) -> Response:
    """Start (or resume) an attempt, frozen at start (enrolled learners)."""
    quiz = _quiz_or_404(quiz_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    now = clock.now()
    with commit_or_flash(QuizError, flash_errors=False) as saved:
        attempt = start_attempt(current_user.id, quiz, now)
    if not saved:
        if isinstance(saved.error, QuizError):
            flash(saved.error.wording(reader_time_zone(), now), "warning")
        return redirect(url_for("quiz.overview", quiz_id=quiz.id))
    return redirect(url_for("quiz.take", attempt_id=attempt.id))


@bp.route("/attempt/<int:attempt_id>")
@login_required
def take(attempt_id: int) -> str | Response:
    """Show an open attempt without any answer key or cue (its owner only)."""
    attempt = own_attempt(attempt_id)
    if not attempt.is_open:
        return redirect(url_for("quiz.review", attempt_id=attempt.id))
    unanswered = (
        [item.position for item in attempt.items if not item.response]
        if request.args.get("check")
        else []
    )
    return render_template(
        "quiz/take.html",
        attempt=attempt,
        quiz=attempt.quiz,
        items=take_items(attempt),
        form=FlaskForm(),
        now=clock.now(),
        unanswered=sorted(unanswered),
    )


@bp.errorhandler(CSRFError)
def stale_form(error: CSRFError) -> Response | tuple[str, int]:
    """CSRFProtect refuses a form whose token no longer matches the session (the learner signed
    in again since the page was opened) before any view runs. For an answer, nothing was saved
    or graded: say so, and send the learner back to the attempt (a GET) to submit again."""
    attempt_id = (request.view_args or {}).get("attempt_id")
    if request.endpoint != "quiz.answer" or not isinstance(attempt_id, int):
        return render_template("errors/error.html", error=error), 400
    flash(
        "Your session changed since this page was opened, so these answers were not accepted "
        "and nothing was recorded. Answers you saved before are kept: please answer and "
        "submit again.",
        "warning",
    )
    return redirect(url_for("quiz.take", attempt_id=attempt_id))


@bp.route("/attempt/<int:attempt_id>", methods=["POST"])
@writes_late
@login_required
def answer(attempt_id: int) -> Response:
    """Save answers, or submit and grade once; repeats return the same result (owner only).

    The request reads and grades as a reader; only the writes take SQLite's write lock, so
    concurrent submits overlap everywhere but in their few UPDATEs.
    """
    attempt = own_sheet(attempt_id)  # plain objects; the CSRF token is checked already
    saving = request.form.get("action") == "save"
    if not attempt.is_open:
        return _already_submitted(attempt_id, saving)
    answers = decode_answers(attempt, request.form.to_dict(flat=False))
    now = clock.now()
    if saving:
        with db_write():
            saved = save_answers(attempt, answers, now)
        if saved:
            flash("Answers saved. You can come back and finish later.", "success")
            return redirect(url_for("quiz.take", attempt_id=attempt.id))
        if not attempt.is_open:  # submitted from another tab since this request read it
            return _already_submitted(attempt_id, saving)
    missing = [position for position, chosen in sorted(answers.items()) if not chosen]
    if missing and request.form.get("unanswered_ok") != "yes":
        with db_write():  # keep what was answered; name the rest before grading
            saved = save_answers(attempt, answers, now)
        if saved:
            return redirect(
                url_for("quiz.take", attempt_id=attempt.id, check=1, _anchor="unanswered")
            )
    with db_write():
        finalize_attempt(attempt, answers, now)
    return redirect(url_for("quiz.review", attempt_id=attempt.id))


def _already_submitted(attempt_id: int, saving: bool) -> Response:
    """An answer for an attempt graded already: its result. A save says why nothing changed
    (a repeated submit needs no word: the review shows what the first one graded)."""
    if saving:
        flash(
            "This attempt had already been submitted (perhaps from another tab or window), "
            "so nothing was saved. Here is its result.",
            "info",
        )
    return redirect(url_for("quiz.review", attempt_id=attempt_id))


@bp.route("/attempt/<int:attempt_id>/review")
@login_required
def review(attempt_id: int) -> str | Response:
    """Show score, pass/fail and per-question feedback per the review policy (owner only)."""
    attempt = own_attempt(attempt_id)
    if attempt.is_open:
        return redirect(url_for("quiz.take", attempt_id=attempt.id))
    state, qstate = _state_for(attempt.quiz)
    show = review_visibility(
        attempt,
        passed_quiz=bool(qstate and qstate.passed),
        attempts_remaining=qstate.remaining if qstate else None,
    )
    graded = [(i.version.tags, i.score or 0.0) for i in attempt.items]
    return render_template(
        "quiz/review.html",
        attempt=attempt,
        quiz=attempt.quiz,
        state=state,
        qstate=qstate,
        show=show,
        items=review_items(attempt, show),
        result=score_attempt(attempt.settings, graded, attempt.late),
        blocker=_start_blocker(state, attempt.quiz, qstate),
        next_steps=next_steps(current_user.id, [state]),
        form=FlaskForm(),
    )
