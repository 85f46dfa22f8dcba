"""Forms for drafting a course from an article, and for the module editor."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from course.extensions import db
from course.instructor.authoring.services import citation_problems
from course.instructor.preview import CommitForm, SourceForm, strip
from course.models import Course, Module

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_HELP = "lower-case letters, digits and single hyphens, e.g. ketamine-basics"


def objective_lines(text: str | None) -> list[str]:
    """Return the non-blank lines of an objectives box, trimmed."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ArticleForm(SourceForm):
    """An article to cut into draft modules."""

    fmt = SelectField(
        "Format",
        choices=[
            SelectChoice("auto", "Detect"),
            SelectChoice("markdown", "Markdown"),
            SelectChoice("text", "Plain text"),
        ],
        default="auto",
    )


class ArticleCreateForm(CommitForm):
    """Create the drafted modules in a new course or append them to an existing one."""

    target = RadioField(
        "Create the modules in",
        choices=[
            SelectChoice("new", "a new draft course"),
            SelectChoice("existing", "an existing course"),
        ],
        default="new",
    )
    title = StringField("New course title", filters=[strip], validators=[Length(max=300)])
    slug = StringField("New course slug", filters=[strip], validators=[Length(max=100)])
    course = SelectField("Existing course", coerce=int, validate_choice=False, default=0)

    def validate_title(self, field: StringField) -> None:
        """A new course needs a title of at least 3 characters."""
        if self.target.data == "new" and len(field.data or "") < 3:
            raise ValidationError("Give the new course a title (at least 3 characters).")

    def validate_slug(self, field: StringField) -> None:
        """A new course needs a well-formed slug no other course uses."""
        if self.target.data != "new":
            return
        if not SLUG_RE.match(field.data or ""):
            raise ValidationError(f"Use {SLUG_HELP}.")
        if db.session.scalar(select(Course.id).where(Course.slug == field.data)):
            raise ValidationError(f"A course with the slug {field.data!r} already exists.")

    def validate_course(self, field: SelectField) -> None:
        """Appending needs an existing course."""
        if self.target.data == "existing" and db.session.get(Course, field.data or 0) is None:
            raise ValidationError("Choose the course to add the modules to.")


class ModuleForm(FlaskForm):
    """Edit a module's title, slug, objectives, reading time and Markdown body."""

    title = StringField("Title", filters=[strip], validators=[DataRequired(), Length(3, 300)])
    slug = StringField("Slug", filters=[strip], validators=[DataRequired(), Length(max=100)])
    objectives = TextAreaField("Learning objectives (one per line, 2 to 4)", render_kw={"rows": 4})
    minutes = IntegerField("Minutes", validators=[DataRequired(), NumberRange(1, 600)])
    body = TextAreaField("Body (Markdown)", validators=[Optional()], render_kw={"rows": 20})
    preview = SubmitField("Preview")
    save = SubmitField("Save")

    def __init__(self, module: Module, **kwargs: Any) -> None:
        super().__init__(obj=module, **kwargs)
        self.module = module
        if not self.is_submitted():
            self.body.data = module.body_md
        if isinstance(self.objectives.data, list):  # from the model, not from the posted form
            self.objectives.data = "\n".join(self.objectives.data)

    def validate_slug(self, field: StringField) -> None:
        """Slugs are well formed and unique within the course."""
        if not SLUG_RE.match(field.data or ""):
            raise ValidationError(f"Use {SLUG_HELP}.")
        clash = db.session.scalar(
            select(Module.id).where(
                Module.course_id == self.module.course_id,
                Module.slug == field.data,
                Module.id != self.module.id,
            )
        )
        if clash:
            raise ValidationError(f"Another module of this course already uses {field.data!r}.")

    def validate_objectives(self, field: TextAreaField) -> None:
        """Two to four objectives; a draft may have none yet."""
        count = len(objective_lines(field.data))
        if count == 0 and not self.module.is_published:
            return
        if not 2 <= count <= 4:
            raise ValidationError(f"Write 2 to 4 objectives, one per line (found {count}).")

    def validate_body(self, field: TextAreaField) -> None:
        """Every [n] citation must be in the course's reference list."""
        bad = citation_problems(field.data or "", self.module.course)
        if bad:
            raise ValidationError("Citations not in the course's reference list: " + ", ".join(bad))
