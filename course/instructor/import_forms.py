"""Forms for question import, drafting a course from an article, and the module editor."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from course.extensions import db
from course.instructor.authoring_services import citation_problems
from course.models import Course, Module

TOKEN_MAX_AGE = 2 * 3600
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_HELP = "lower-case letters, digits and single hyphens, e.g. ketamine-basics"


class TokenProblem(ValueError):
    """The signed preview is missing, expired or altered."""


def strip(value: str | None) -> str | None:
    """Trim surrounding whitespace, leaving None alone."""
    return value.strip() if isinstance(value, str) else value


def objective_lines(text: str | None) -> list[str]:
    """Return the non-blank lines of an objectives box, trimmed."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class SourceForm(FlaskForm):
    """Text to import: an uploaded file or pasted text (the file wins when both are given)."""

    source_file = FileField("Upload a file (UTF-8 text)")
    source_text = TextAreaField("…or paste the text", render_kw={"rows": 12})

    def source(self) -> str:
        """Return the uploaded or pasted text (call after validate)."""
        return self._source

    def validate_source_text(self, field: TextAreaField) -> None:
        """Require a file or pasted text, and read the file as UTF-8."""
        upload = self.source_file.data
        text = field.data or ""
        if upload is not None and getattr(upload, "filename", ""):
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ValidationError(f"The file is not UTF-8 text (byte {exc.start}).") from exc
        if not text.strip():
            raise ValidationError("Upload a file or paste the text to import.")
        self._source = text


class ImportForm(SourceForm):
    """Choose the questions, their format, the target course and the $CATEGORY mapping."""

    fmt = RadioField(
        "Format",
        choices=[SelectChoice("gift", "GIFT (Moodle)"), SelectChoice("aiken", "Aiken")],
        default="gift",
    )
    course = SelectField("Import into course", coerce=int)
    category_mode = RadioField(
        "Map each $CATEGORY to",
        choices=[SelectChoice("module", "a module"), SelectChoice("tags", "a tag")],
        default="module",
    )
    default_module = SelectField("Default module", coerce=int, default=0)

    def load_choices(self, courses: list[Course]) -> None:
        """Offer every course, and every module grouped by its course (0: no module)."""
        self.course.choices = [SelectChoice(c.id, f"{c.title} ({c.status.value})") for c in courses]
        self.default_module.choices = [SelectChoice(0, "No module (course-level, final exam)")] + [
            SelectChoice(m.id, f"{m.position}. {m.title}", optgroup=c.title)
            for c in courses
            for m in c.modules
        ]

    def validate_default_module(self, field: SelectField) -> None:
        """The default module must belong to the chosen course."""
        if field.data and self.course.data:
            module = db.session.get(Module, field.data)
            if module is None or module.course_id != self.course.data:
                raise ValidationError("Pick a module of the chosen course, or no module.")


class CommitForm(FlaskForm):
    """Carry the preview to the commit step in a signed, compressed hidden field."""

    token = HiddenField()

    def seal(self, data: dict[str, Any], secret: str, salt: str) -> None:
        """Sign data into the hidden field."""
        self.token.data = URLSafeTimedSerializer(secret, salt=salt).dumps(data)

    def unseal(self, secret: str, salt: str) -> dict[str, Any]:
        """Return the signed data; raise TokenProblem when it is missing, expired or altered."""
        try:
            data = URLSafeTimedSerializer(secret, salt=salt).loads(
                self.token.data or "", max_age=TOKEN_MAX_AGE
            )
        except SignatureExpired as exc:
            raise TokenProblem("The preview expired: upload the text again.") from exc
        except BadSignature as exc:
            raise TokenProblem("The preview is missing or was altered: upload again.") from exc
        if not isinstance(data, dict):
            raise TokenProblem("The preview is not readable: upload the text again.")
        return data


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


class ConfirmForm(FlaskForm):
    """A button-only form (CSRF token) for publish and unpublish."""
