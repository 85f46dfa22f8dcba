"""Course authoring: draft modules from an article, the module editor, publishing (staff)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from course.ce.summary import ce_summary
from course.content.article import ArticleError
from course.content.render import render_markdown
from course.extensions import db
from course.instructor.authoring.forms import (
    ArticleCreateForm,
    ArticleForm,
    ModuleForm,
    objective_lines,
)
from course.instructor.authoring.services import (
    AuthoringProblem,
    append_to_course,
    create_course,
    publish_course,
    publish_module,
    read_article,
    save_module,
    section_rows,
    unpublish_module,
)
from course.instructor.blueprint import bp
from course.instructor.preview import TokenProblem
from course.models import Course, Module
from course.permissions import staff_required
from course.slugs import slugify
from course.unit_of_work import commit_or_flash

SALT = "instructor-article"


def _courses() -> list[Course]:
    return list(
        db.session.scalars(
            select(Course).options(selectinload(Course.modules)).order_by(Course.title)
        )
    )


def _preview(text: str, fmt: str, form: ArticleCreateForm | None = None, status: int = 200):
    """Render the article preview with its create form (text and format sealed in a token)."""
    draft = read_article(text, fmt)
    if form is None:
        form = ArticleCreateForm(formdata=None, title=draft.title[:300], slug=slugify(draft.title))
    form.seal({"text": text, "fmt": fmt, "user": current_user.id}, current_app.secret_key, SALT)
    courses = _courses()
    form.course.choices = [SelectChoice(0, "Choose a course")] + [
        SelectChoice(c.id, c.title) for c in courses
    ]
    page = render_template(
        "instructor/authoring/article_preview.html",
        draft=draft,
        rows=section_rows(draft),
        form=form,
        courses_with_refs={c.id for c in courses if c.references},
    )
    return page, status


@bp.route("/articles")
@staff_required
def articles() -> str:
    """Show the form to draft course modules from an article (instructors and admins)."""
    return render_template("instructor/authoring/article_form.html", form=ArticleForm())


@bp.route("/articles/preview", methods=["POST"])
@staff_required
def article_preview():
    """Preview the modules, references and skipped furniture of an article (staff)."""
    form = ArticleForm()
    if not form.validate_on_submit():
        return render_template("instructor/authoring/article_form.html", form=form), 400
    try:
        return _preview(form.source(), form.fmt.data)
    except ArticleError as exc:
        form.source_text.errors = [*form.source_text.errors, f"Line {exc.line}: {exc.message}"]
        return render_template("instructor/authoring/article_form.html", form=form), 400


@bp.route("/articles/create", methods=["POST"])
@staff_required
def article_create():
    """Create the previewed modules in a new draft course or an existing one (staff)."""
    form = ArticleCreateForm()
    try:
        data = form.unseal(current_app.secret_key, SALT)
        if data.get("user") != current_user.id:
            raise TokenProblem("This preview belongs to another user: upload the article again.")
        text, fmt = data["text"], data["fmt"]
        draft = read_article(text, fmt)
    except (TokenProblem, ArticleError) as exc:
        flash(str(exc), "danger")
        return render_template("instructor/authoring/article_form.html", form=ArticleForm()), 400
    form.course.choices = [SelectChoice(c.id, c.title) for c in _courses()]
    if not form.validate_on_submit():
        return _preview(text, fmt, form, 400)
    with commit_or_flash(AuthoringProblem, flash_errors=False) as saved:
        if form.target.data == "new":
            course = create_course(draft, form.title.data, form.slug.data, current_user.id)
            warnings: list[str] = []
        else:
            course = db.session.get(Course, form.course.data)
            warnings = append_to_course(draft, course, current_user.id)
    if not saved:
        if isinstance(saved.error, AuthoringProblem):
            form.slug.errors = [*form.slug.errors, str(saved.error)]
        return _preview(text, fmt, form, 400)
    flash(f"Added {len(draft.sections)} draft modules to “{course.title}”.", "success")
    for warning in warnings:
        flash(warning, "warning")
    return redirect(url_for("instructor.modules", course=course.slug))


@bp.route("/modules")
@staff_required
def modules() -> str:
    """List a course's modules with their status, and the course's publish control (staff)."""
    courses = _courses()
    slug = request.args.get("course", "")
    course = next((c for c in courses if c.slug == slug), None)
    if course is None and slug:
        abort(404)
    ce = ce_summary(course) if course is not None else None
    return render_template(
        "instructor/authoring/modules.html", courses=courses, course=course, ce=ce
    )


def _module_or_404(module_id: int) -> Module:
    module = db.session.get(Module, module_id)
    if module is None:
        abort(404)
    return module


@bp.route("/modules/<int:module_id>/edit", methods=["GET", "POST"])
@staff_required
def module_edit(module_id: int):
    """Edit a module; Preview re-renders the body without saving (instructors and admins)."""
    module = _module_or_404(module_id)
    form = ModuleForm(module)
    preview_html = None
    if form.is_submitted():
        valid = form.validate()
        if form.preview.data or not valid:
            preview_html = render_markdown(form.body.data or "")
            return _editor(module, form, preview_html, 200 if valid else 400)
        with commit_or_flash() as saved:
            save_module(
                module,
                {
                    "title": form.title.data,
                    "slug": form.slug.data,
                    "objectives": objective_lines(form.objectives.data),
                    "minutes": form.minutes.data,
                    "body": form.body.data or "",
                },
                current_user.id,
            )
        if not saved:
            return _editor(module, form, None, 409)
        flash(f"Saved “{module.title}”.", "success")
        return redirect(url_for("instructor.module_edit", module_id=module.id))
    return _editor(module, form, preview_html)


def _editor(module: Module, form: ModuleForm, preview_html: str | None, status: int = 200):
    page = render_template(
        "instructor/authoring/module_edit.html",
        module=module,
        course=module.course,
        form=form,
        preview_html=preview_html,
    )
    return page, status


def _set_status(module_id: int, publish: bool) -> Response:
    module = _module_or_404(module_id)
    if not FlaskForm().validate_on_submit():  # the CSRF token only
        abort(400)
    with commit_or_flash(AuthoringProblem, category="danger") as saved:
        (publish_module if publish else unpublish_module)(module, current_user.id)
    if not saved:
        return redirect(url_for("instructor.module_edit", module_id=module.id))
    verb = (
        "published: learners can now see it"
        if publish
        else "unpublished: learners no longer see it"
    )
    flash(f"“{module.title}” {verb}.", "success")
    return redirect(url_for("instructor.modules", course=module.course.slug))


@bp.route("/modules/<int:module_id>/publish", methods=["POST"])
@staff_required
def module_publish(module_id: int) -> Response:
    """Publish a module so learners see it (instructors and admins)."""
    return _set_status(module_id, publish=True)


@bp.route("/modules/<int:module_id>/unpublish", methods=["POST"])
@staff_required
def module_unpublish(module_id: int) -> Response:
    """Return a module to draft, hiding it from learners (instructors and admins)."""
    return _set_status(module_id, publish=False)


@bp.route("/courses/<course_slug>/publish", methods=["POST"])
@staff_required
def course_publish(course_slug: str) -> Response:
    """Publish a draft course once it has a published module (instructors and admins)."""
    course = db.session.scalar(select(Course).where(Course.slug == course_slug))
    if course is None:
        abort(404)
    if not FlaskForm().validate_on_submit():  # the CSRF token only
        abort(400)
    with commit_or_flash(AuthoringProblem, category="danger") as saved:
        publish_course(course, current_user.id)
    if saved:
        flash(f"“{course.title}” is published and listed in the catalog.", "success")
    return redirect(url_for("instructor.modules", course=course.slug))
