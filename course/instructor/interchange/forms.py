"""Forms for question import (GIFT and Aiken): what to import and where to put it."""

from __future__ import annotations

from wtforms import RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from course.extensions import db
from course.instructor.preview import SourceForm
from course.models import Course, Module


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
