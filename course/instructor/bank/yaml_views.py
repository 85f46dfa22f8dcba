"""Question bank YAML (our quizzes/ format): export a module, and import with a preview (staff).

The preview seals the uploaded text in the one preview token (instructor.preview); the commit
re-plans from it and refuses when the bank moved since the preview.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from course.extensions import db
from course.instructor.bank.views import course_from_args
from course.instructor.bank.yaml_forms import ImportForm
from course.instructor.bank.yaml_io import ImportInvalid, apply_import, export_module, plan_import
from course.instructor.blueprint import bp
from course.instructor.preview import CommitForm, PreviewChanged, TokenProblem
from course.models import Course, Quiz
from course.permissions import staff_required
from course.unit_of_work import commit_or_flash

YAML_SALT = "instructor-yaml-import"


@bp.route("/questions/yaml-export")
@staff_required
def bank_export() -> Response:
    """Download a module's questions and quiz settings as quizzes/ YAML (staff)."""
    course = course_from_args()
    slug = request.args.get("module")
    module = next((m for m in course.modules if m.slug == slug or not slug), None)
    quiz = module and db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))
    if quiz is None:
        abort(404)
    name = f"{module.position:02d}-{module.slug}.yaml"
    return Response(
        export_module(module, quiz),
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _import_page(course: Course, upload: ImportForm, **context: object) -> str:
    commit = context.pop("commit", None) or CommitForm(formdata=None, prefix="commit")
    return render_template(
        "instructor/bank/import.html", course=course, upload=upload, commit=commit, **context
    )


def _commit_import(course: Course, upload: ImportForm) -> str | Response:
    commit = CommitForm(prefix="commit")
    with commit_or_flash(TokenProblem, PreviewChanged, ImportInvalid, flash_errors=False) as saved:
        if not commit.validate_on_submit():
            raise TokenProblem("The form expired: upload the file again.")
        sealed = commit.open(YAML_SALT, user_id=current_user.id)
        if sealed.data.get("course_id") != course.id:
            raise TokenProblem("This preview was for another course: upload the file again.")
        plan = plan_import(course, str(sealed.data.get("text", "")))
        sealed.confirm(plan.token, "The bank changed since the preview: upload the file again.")
        apply_import(course, plan, current_user.id)
    if not saved:
        error = saved.error
        if isinstance(error, PreviewChanged):
            return _import_page(course, upload, problems=[(1, str(error))])
        if isinstance(error, ImportInvalid):
            return _import_page(course, upload, problems=error.problems)
        if isinstance(error, TokenProblem):
            flash(str(error), "warning")
        return _import_page(course, upload)
    counts = (
        f"{len(plan.added)} added, {len(plan.changed)} changed, {len(plan.unchanged)} unchanged"
    )
    flash(f"Imported {plan.module.title}: {counts}.", "success")
    return redirect(url_for("instructor.questions", course=course.slug, module=plan.module.slug))


@bp.route("/questions/yaml-import", methods=["GET", "POST"])
@staff_required
def bank_import() -> str | Response:
    """Upload a quizzes/ YAML file, preview what changes, then commit atomically (staff)."""
    course = course_from_args()
    upload = ImportForm(prefix="upload")
    if request.method == "POST" and "commit-token" in request.form:
        return _commit_import(course, upload)
    if not upload.validate_on_submit():
        return _import_page(course, upload)
    try:
        text = upload.yaml_file.data.read().decode("utf-8")
        plan = plan_import(course, text)
    except UnicodeDecodeError:
        upload.yaml_file.errors.append("The file is not UTF-8 text.")
        return _import_page(course, upload)
    except ImportInvalid as exc:
        return _import_page(course, upload, problems=exc.problems)
    commit = CommitForm(formdata=None, prefix="commit")
    commit.seal(
        {"text": text, "course_id": course.id},
        salt=YAML_SALT,
        user_id=current_user.id,
        fingerprint=plan.token,
    )
    return _import_page(course, upload, plan=plan, commit=commit)
