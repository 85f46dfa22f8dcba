"""Question import (GIFT, Aiken) with a preview step, and GIFT export (instructors and admins).

The export maps stored versions back to GIFT here; the import mapping lives in
interchange.mapping, and the commit in interchange.services.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from course.content.gift import export_gift as write_gift
from course.content.interchange import ImportedOption, ImportedQuestion
from course.extensions import db
from course.instructor.blueprint import bp
from course.instructor.interchange.forms import ImportForm
from course.instructor.interchange.services import (
    IMPORT_ACTION,
    ImportPlan,
    ImportProblem,
    ImportSettings,
    apply_tags,
    commit_plan,
    plan_import,
    taggable,
)
from course.instructor.preview import CommitForm, PreviewChanged, TokenProblem
from course.models import AuditEntry, Course, Module, Question, QuestionStatus
from course.permissions import staff_required
from course.quiz.types import get_type
from course.unit_of_work import commit_or_flash

SALT = "instructor-import"


def to_imported(question: Question, course: Course) -> ImportedQuestion:
    """Describe the current version of a stored question for the GIFT writer."""
    version = question.current
    kind = get_type(version.qtype)
    pairs = list(zip(version.options, kind.gift_fractions(version.options), strict=True))
    if kind.fixed_keys:  # GIFT writes them in the type's own order (True, then False)
        pairs.sort(key=lambda pair: kind.fixed_keys.index(pair[0]["key"]))
    category = f"$course$/top/{course.slug}"
    if question.module is not None:
        category += f"/{question.module.slug}"
    return ImportedQuestion(
        qtype=version.qtype,
        stem=version.stem,
        stem_format="markdown",
        options=[ImportedOption(o["text"], f, o.get("rationale") or "") for o, f in pairs],
        title=question.uid,
        general_feedback=version.feedback or "",
        category=category,
        tags=list(version.tags or []),
        id=question.uid,
    )


def export_questions(course: Course, module: Module | None = None) -> str:
    """Write the current versions of a course's (or one module's) questions as GIFT."""
    stmt = (
        select(Question)
        .where(Question.course_id == course.id, Question.status != QuestionStatus.RETIRED)
        .options(selectinload(Question.versions), selectinload(Question.module))
    )
    if module is not None:
        stmt = stmt.where(Question.module_id == module.id)
    questions = [q for q in db.session.scalars(stmt) if q.versions]
    questions.sort(key=lambda q: (q.module.position if q.module else 10**6, q.uid))
    exportable = [q for q in questions if get_type(q.current.qtype).gift_form]
    skipped = [q for q in questions if not get_type(q.current.qtype).gift_form]
    notes = "".join(
        f"// Not exported: {q.uid} is an {get_type(q.current.qtype).label} question, "
        "which GIFT cannot express (use the YAML export).\n"
        for q in skipped
    )
    return notes + write_gift([to_imported(q, course) for q in exportable])


def _courses() -> list[Course]:
    return list(
        db.session.scalars(
            select(Course).options(selectinload(Course.modules)).order_by(Course.title)
        )
    )


def _form() -> ImportForm:
    form = ImportForm()
    form.load_choices(_courses())
    return form


def _render_form(form: ImportForm, status: int = 200) -> tuple[str, int]:
    return render_template("instructor/imports/form.html", form=form, courses=_courses()), status


def _sealed_forms(text: str, settings: ImportSettings, plan: ImportPlan):
    """The preview's two signed forms: Import (commit) and Back (to the form, text kept)."""
    data = {
        "text": text,
        "fmt": settings.fmt,
        "course_id": settings.course_id,
        "category_mode": settings.category_mode,
        "default_module_id": settings.default_module_id,
    }
    forms = CommitForm(formdata=None), CommitForm(formdata=None, prefix="back")
    for form in forms:
        form.seal(data, salt=SALT, user_id=current_user.id, fingerprint=plan.fingerprint)
    return forms


def _render_preview(text: str, settings: ImportSettings, plan: ImportPlan, status: int = 200):
    form, back = _sealed_forms(text, settings, plan)
    page = render_template(
        "instructor/imports/preview.html",
        plan=plan,
        settings=settings,
        form=form,
        back=back,
        taggable=taggable,
    )
    return page, status


def _settings(data: dict) -> ImportSettings:
    return ImportSettings(
        data["fmt"], data["course_id"], data["category_mode"], data["default_module_id"]
    )


@bp.route("/import")
@staff_required
def imports() -> tuple[str, int]:
    """Show the import form and the export links (instructors and admins)."""
    return _render_form(_form())


@bp.route("/import/preview", methods=["POST"])
@staff_required
def import_preview():
    """Parse the uploaded or pasted questions and preview the import (instructors, admins)."""
    form = _form()
    if not form.validate_on_submit():
        return _render_form(form, 400)
    settings = ImportSettings(
        fmt=form.fmt.data,
        course_id=form.course.data,
        category_mode=form.category_mode.data,
        default_module_id=form.default_module.data or None,
    )
    text = form.source()
    try:
        plan = plan_import(text, settings)
    except ImportProblem as exc:
        form.source_text.errors = [*form.source_text.errors, str(exc)]
        return _render_form(form, 400)
    return _render_preview(text, settings, plan, 200 if plan.ok else 422)


@bp.route("/import/commit", methods=["POST"])
@staff_required
def import_commit():
    """Re-parse the signed preview text and import it in one transaction (instructors, admins)."""
    form = CommitForm()
    with commit_or_flash(
        ImportProblem,
        TokenProblem,
        flash_errors=False,
        conflict="Someone imported the same questions at the same time: preview again.",
    ) as saved:
        if not form.validate_on_submit():
            raise TokenProblem("The form expired: upload the text again.")
        sealed = form.open(SALT, user_id=current_user.id)
        text, settings = sealed.data["text"], _settings(sealed.data)
        plan = plan_import(text, settings)
        if plan.ok:
            sealed.confirm(plan.fingerprint, "The question bank changed since your preview.")
        if request.form.get("tagging"):  # the preview's tag checkboxes were on the form
            apply_tags(plan, {i.uid: request.form.getlist(f"tags-{i.uid}") for i in plan.items})
        outcome = commit_plan(plan, current_user.id, settings.fmt)
    if not saved:
        error = saved.error
        if isinstance(error, PreviewChanged):
            flash(f"{error} Check the new preview and import again.", "warning")
            return _render_preview(text, settings, plan, 409)
        if isinstance(error, ImportProblem | TokenProblem):
            flash(str(error), "danger")
        return _render_form(_form(), 409 if isinstance(error, IntegrityError) else 400)
    flash(
        f"Imported into “{plan.course.title}” as drafts: {len(outcome.created)} new, "
        f"{len(outcome.new_versions)} new versions, {len(outcome.unchanged)} unchanged.",
        "success",
    )
    return redirect(url_for("instructor.import_result", audit_id=outcome.audit_id))


@bp.route("/import/back", methods=["POST"])
@staff_required
def import_back() -> tuple[str, int]:
    """Return from a preview to the import form with the previewed text and choices kept."""
    back = CommitForm(prefix="back")
    try:
        if not back.validate_on_submit():
            raise TokenProblem("The form expired: paste the text again.")
        data = back.open(SALT, user_id=current_user.id).data
    except TokenProblem as exc:
        flash(str(exc), "warning")
        return _render_form(_form(), 400)
    form = ImportForm(
        formdata=None,
        source_text=data["text"],
        fmt=data["fmt"],
        course=data["course_id"],
        category_mode=data["category_mode"],
        default_module=data["default_module_id"] or 0,
    )
    form.load_choices(_courses())
    return _render_form(form)


@bp.route("/import/result/<int:audit_id>")
@staff_required
def import_result(audit_id: int) -> str:
    """After an import: link to each new or changed draft, and to the bank showing just them."""
    entry = db.session.get(AuditEntry, audit_id)
    if entry is None or entry.action != IMPORT_ACTION:
        abort(404)
    course = db.session.get(Course, entry.target_id) or abort(404)
    uids = [*entry.details.get("created", []), *entry.details.get("new_versions", [])]
    stmt = select(Question).where(Question.course_id == course.id, Question.uid.in_(uids))
    found = {q.uid: q for q in db.session.scalars(stmt.options(selectinload(Question.module)))}
    return render_template(
        "instructor/imports/result.html",
        entry=entry,
        course=course,
        created=[found[u] for u in entry.details.get("created", []) if u in found],
        changed=[found[u] for u in entry.details.get("new_versions", []) if u in found],
        unchanged=entry.details.get("unchanged", []),
    )


@bp.route("/export.gift")
@staff_required
def export_gift() -> Response:
    """Download a course's (or one module's) current question versions as GIFT (staff)."""
    slug = request.args.get("course", "").strip()
    if not slug:
        abort(400, description="Choose a course to export: add ?course=<course slug>.")
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        abort(404)
    module = None
    module_slug = request.args.get("module", "").strip()
    if module_slug:
        module = db.session.scalar(
            select(Module).where(Module.course_id == course.id, Module.slug == module_slug)
        )
        if module is None:
            abort(404)
    name = course.slug + (f"-{module.slug}" if module else "")
    return Response(
        export_questions(course, module),
        mimetype="text/plain",
        headers={"Content-Disposition": f'attachment; filename="{name}.gift"'},
    )
