"""The quiz settings form: the pass mark as a percentage, and every error in words on its field.

The fields and their bounds are course.quiz.settings' (through content.schema.QuizSettings);
this module only turns what a person typed into settings and a rejection into a sentence that
names the field. Raw pydantic or WTForms text never reaches the page.
"""

from __future__ import annotations

import math
from typing import Any

from flask_wtf import FlaskForm
from pydantic import ValidationError
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from course.content.schema import TAGS, QuizSettings
from course.quiz.settings import QuizRules

Loc = tuple[Any, ...]

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

# One sentence per field, shown whatever was wrong with it (not a number, out of range ...).
MESSAGES = {
    "title": "Enter a title of 3 to 300 characters.",
    "question_count": "Enter the questions per attempt: a whole number from 1 to 200.",
    "pass_score": "Enter a pass mark between 1 and 100%.",
    "max_attempts": "Enter the attempts allowed: a whole number from 1 to 1000, or leave it "
    "blank for unlimited.",
    "cooldown_minutes": "Enter a cooldown of 0 to 10080 minutes (a week), or leave it blank "
    "for none.",
    "time_limit_minutes": "Enter a time limit of 1 to 600 minutes (10 hours), or leave it blank "
    "for none.",
    "review_policy": "Choose when the correct answers are shown from the list.",
    "review_correctness": "Choose when learners see whether each answer was right from the list.",
    "late_policy": "Choose how late submissions are treated from the list.",
}
QUOTAS = (
    "The draw rules ask for more questions than an attempt has: lower a rule's number or raise "
    "the questions per attempt."
)
FIXED = "The fixed question list must hold exactly as many questions as an attempt has."


class DrawRuleForm(Form):
    """One stratification rule: at least `min` drawn questions carry one of `tags`."""

    tags = SelectMultipleField("Tags", choices=list(TAGS))
    min = IntegerField("At least", validators=[Optional()])


def percent_to_fraction(text: str | None) -> float | None:
    """Read "80", "80%" or "72.5" as a fraction (0.725 for "72.5").

    None when it is not a mark from 1 to 100%.
    """
    cleaned = (text or "").strip().removesuffix("%").strip()
    try:
        value = float(cleaned)
    except ValueError:
        return None
    if not math.isfinite(value) or not 1 <= value <= 100:
        return None
    return round(value / 100, 4)


def fraction_to_percent(value: float) -> str:
    """Show a stored fraction as the percentage an instructor typed (0.75 -> "75")."""
    return f"{round(value * 100, 2):g}"


class QuizSettingsForm(FlaskForm):
    """A quiz's settings; validated by QuizSettings and against the question pool."""

    title = StringField("Title")
    question_count = IntegerField(
        "Questions per attempt", render_kw={"min": 1, "max": 200, "inputmode": "numeric"}
    )
    draw = FieldList(FormField(DrawRuleForm), min_entries=3, max_entries=3)
    pass_score = StringField("Pass mark (%)", render_kw={"inputmode": "decimal"})
    max_attempts = IntegerField(
        "Attempts allowed (blank: unlimited)",
        validators=[Optional()],
        render_kw={"min": 1, "max": 1000},
    )
    cooldown_minutes = IntegerField(
        "Cooldown between attempts (minutes; blank: none)",
        validators=[Optional()],
        render_kw={"min": 0, "max": 10080},
    )
    time_limit_minutes = IntegerField(
        "Time limit (minutes; blank: none)",
        validators=[Optional()],
        render_kw={"min": 1, "max": 600},
    )
    review_policy = SelectField("Show correct answers", choices=POLICIES)
    review_correctness = SelectField("Show whether each answer was right", choices=CORRECTNESS)
    shuffle_questions = BooleanField("Shuffle questions")
    shuffle_options = BooleanField("Shuffle options")
    partial_credit = BooleanField("Partial credit on multiple-response questions")
    late_policy = SelectField("Late submissions", choices=LATE)

    @classmethod
    def initial(cls, rules: QuizRules) -> dict[str, Any]:
        """Form data from stored settings: the pass mark as a percentage, three draw rows."""
        data = rules.as_json()
        draw = [rule.as_json() for rule in rules.draw[:3]]
        data["draw"] = draw + [{"tags": [], "min": None}] * (3 - len(draw))
        data["pass_score"] = fraction_to_percent(rules.pass_score)
        return data

    def filled_rules(self) -> list[tuple[int, dict[str, Any]]]:
        """The filled-in draw rules with their row index."""
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

    def settings(self, stored: QuizRules) -> QuizSettings | None:
        """The typed settings, or None with a worded error on each field that is wrong.

        The fixed question list and the critical areas, which this form does not edit, are
        kept from `stored`.
        """
        self._word_form_errors()
        names = [n for n in self._fields if n not in ("csrf_token", "draw")]
        data = {name: self[name].data for name in names}
        data["pass_score"] = percent_to_fraction(self.pass_score.data)
        if data["pass_score"] is None:
            self.pass_score.errors = [MESSAGES["pass_score"]]
        data["cooldown_minutes"] = data["cooldown_minutes"] or 0
        data["draw"] = [rule for _, rule in self.filled_rules()]
        data["fixed"] = stored.fixed
        data["critical"] = [rule.as_json() for rule in stored.critical]
        try:
            settings = QuizSettings.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                self.attach(tuple(error["loc"]), worded(error))
            return None
        return None if self.errors else settings

    def _word_form_errors(self) -> None:
        """Replace WTForms' own parse messages ("Not a valid integer value.") with ours."""
        for name, message in MESSAGES.items():
            if self[name].errors:
                self[name].errors = [message]
        for n, entry in enumerate(self.draw, 1):
            for part in ("tags", "min"):
                if entry.form[part].errors:
                    entry.form[part].errors = [rule_message(n, part)]

    def attach(self, loc: Loc, message: str) -> None:
        """Put a message on its field; draw errors on the rule row they concern."""
        if loc and loc[0] == "draw":
            rows = [i for i, _ in self.filled_rules()]
            if len(loc) > 2 and isinstance(loc[1], int) and loc[1] < len(rows):
                row = rows[loc[1]]
                sub = self.draw[row].form
                field = getattr(sub, str(loc[2]), sub.tags)
                field.errors = [rule_message(row + 1, field.name.rsplit("-", 1)[-1])]
                return
            self.draw.errors.append(message)
            return
        name = str(loc[0]) if loc else ""
        if name in MESSAGES:
            self[name].errors = [message]
        elif message == FIXED:
            self.question_count.errors.append(message)
        else:  # the quotas and the critical areas concern the draw rules
            self.draw.errors.append(message)


def rule_message(number: int, part: str) -> str:
    """The sentence for a wrong draw rule row."""
    if part == "tags":
        return f"Choose at least one tag from the list for draw rule {number}."
    return f"Enter how many questions draw rule {number} needs: a whole number of at least 1."


def worded(error: dict[str, Any]) -> str:
    """A pydantic error as a sentence naming the field (never pydantic's own text)."""
    loc = tuple(error["loc"])
    if loc and loc[0] in MESSAGES:
        return MESSAGES[loc[0]]
    text = str(error.get("msg", ""))
    if "draw quotas" in text:
        return QUOTAS
    if "fixed list" in text:
        return FIXED
    if "critical area" in text:
        name = text.split("critical area ", 1)[1].split(" needs", 1)[0].strip("'\"")
        return (
            f"Critical area “{name}” needs a draw rule limited to its tags, so that every "
            "attempt includes its items; add one below or change the area in the quiz's YAML."
        )
    return "These settings cannot be saved as they are; check each field."
