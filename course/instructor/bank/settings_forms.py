"""Forms for a quiz's settings and the YAML import upload (its commit: instructor.preview)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    FloatField,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from course.content.schema import TAGS


class DrawRuleForm(Form):
    """One stratification rule: at least `min` drawn questions carry one of `tags`."""

    tags = SelectMultipleField("Tags", choices=list(TAGS))
    min = IntegerField("At least", validators=[Optional()])


POLICIES = [
    SelectChoice("after_pass_or_exhausted", "After a pass or when attempts run out"),
    SelectChoice("after_submit", "After each submission"),
    SelectChoice("always", "Always"),
    SelectChoice("never", "Never"),
]
CORRECTNESS = [
    SelectChoice("after_submit", "After each submission"),
    SelectChoice("with_key", "Only when the correct answers are shown"),
]
LATE = [
    SelectChoice("grade_at_deadline", "Grade the answers saved at the deadline"),
    SelectChoice("not_counted", "Score 0"),
]


class QuizSettingsForm(FlaskForm):
    """A quiz's settings; validated by QuizSettings and against the question pool."""

    title = StringField("Title", validators=[InputRequired(), Length(min=3, max=300)])
    question_count = IntegerField("Questions per attempt", validators=[InputRequired()])
    draw = FieldList(FormField(DrawRuleForm), min_entries=3, max_entries=3)
    pass_score = FloatField("Pass mark (fraction, e.g. 0.8)", validators=[InputRequired()])
    # The bounds are QuizSettings' (errors land on the field); the browser is told them too.
    max_attempts = IntegerField(
        "Attempts allowed (blank: unlimited)",
        validators=[Optional()],
        render_kw={"min": 1, "max": 1000},
    )
    cooldown_minutes = IntegerField(
        "Cooldown between attempts (minutes, at most 10080: a week)",
        default=0,
        render_kw={"min": 0, "max": 10080},
    )
    time_limit_minutes = IntegerField(
        "Time limit (minutes, at most 600; blank: none)",
        validators=[Optional()],
        render_kw={"min": 1, "max": 600},
    )
    review_policy = SelectField("Show correct answers", choices=POLICIES)
    review_correctness = SelectField("Show whether each answer was right", choices=CORRECTNESS)
    shuffle_questions = BooleanField("Shuffle questions")
    shuffle_options = BooleanField("Shuffle options")
    partial_credit = BooleanField("Partial credit on multiple-response questions")
    late_policy = SelectField("Late submissions", choices=LATE)

    def rules(self) -> list[tuple[int, dict[str, Any]]]:
        """Return the filled-in draw rules with their row index."""
        rows = [(i, e.form) for i, e in enumerate(self.draw)]
        filled = [(i, f) for i, f in rows if f.tags.data or f.min.data is not None]
        return [
            (
                i,
                {"tags": list(f.tags.data or [])}
                | ({} if f.min.data is None else {"min": f.min.data}),
            )
            for i, f in filled
        ]

    def settings_data(self, stored: dict[str, Any]) -> dict[str, Any]:
        """Return the settings as a dict for QuizSettings; the stored fixed list and critical
        areas, which this form does not edit, are kept."""
        names = [n for n in self._fields if n not in ("csrf_token", "draw")]
        data = {name: self[name].data for name in names}
        data["cooldown_minutes"] = data["cooldown_minutes"] or 0
        data["draw"] = [rule for _, rule in self.rules()]
        data["fixed"] = stored.get("fixed")
        data["critical"] = list(stored.get("critical") or [])
        return data

    def attach(self, loc: tuple[Any, ...], message: str) -> None:
        """Put a settings error on its field; draw errors on the rule row they concern."""
        if loc and loc[0] == "draw":
            rows = [i for i, _ in self.rules()]
            if len(loc) > 2 and isinstance(loc[1], int) and loc[1] < len(rows):
                sub = self.draw[rows[loc[1]]].form
                getattr(sub, str(loc[2]), sub.tags).errors.append(message)
                return
            self.draw.errors.append(message)
            return
        name = str(loc[0]) if loc else ""
        if name in self._fields and name != "csrf_token":
            self[name].errors.append(message)
        elif "draw" in message:
            self.draw.errors.append(message)
        else:
            self.question_count.errors.append(message)

    @classmethod
    def initial(cls, settings: dict[str, Any]) -> dict[str, Any]:
        """Return form data from stored settings (three draw rows)."""
        rules = list(settings.get("draw") or [])[:3]
        data = dict(settings)
        data["draw"] = rules + [{"tags": [], "min": None}] * (3 - len(rules))
        return data


class ImportForm(FlaskForm):
    """Upload a quizzes/ YAML file for a preview."""

    yaml_file = FileField(
        "Question file (YAML)",
        validators=[
            FileRequired("Choose a file."),
            FileAllowed(["yaml", "yml"], "YAML files only."),
        ],
    )
