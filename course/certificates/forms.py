"""Learner forms on the way to a certificate: course evaluation, time attestation, code lookup."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from course.certificates.eligibility import format_hours, hours_problem

CONFIDENCE = [
    SelectChoice(str(n), f"{n} – {label}")
    for n, label in enumerate(
        ("Not at all confident", "Slightly", "Moderately", "Very", "Extremely confident"), 1
    )
]
LIKERT = [
    SelectChoice("1", "1 – Strongly disagree"),
    SelectChoice("2", "2 – Disagree"),
    SelectChoice("3", "3 – Neutral"),
    SelectChoice("4", "4 – Agree"),
    SelectChoice("5", "5 – Strongly agree"),
]
YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]
TEXT_MAX = 2000


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class EvaluationForm(FlaskForm):
    """The end-of-course evaluation required before a certificate."""

    objectives_met = RadioField(
        "The stated learning objectives were met",
        choices=LIKERT,
        validators=[InputRequired("Choose a rating from 1 to 5 for the learning objectives.")],
    )
    relevance = RadioField(
        "The content is relevant to my practice",
        choices=LIKERT,
        validators=[InputRequired("Choose a rating from 1 to 5 for relevance to your practice.")],
    )
    free_of_bias = RadioField(
        "The content was free of commercial bias",
        choices=YES_NO,
        validators=[InputRequired("Say whether the content was free of commercial bias.")],
    )
    bias_comment = TextAreaField(
        "If not, describe the bias you noticed",
        filters=[_strip],
        validators=[Length(max=TEXT_MAX)],
    )
    intended_change = TextAreaField(
        "What will you change in your practice as a result of this course?",
        filters=[_strip],
        validators=[
            DataRequired("Describe the change you intend to make (or write “none”)."),
            Length(max=TEXT_MAX),
        ],
    )
    # CE outcomes (course/ce/outcomes.py): how sure the learner is of making that change.
    change_confidence = RadioField(
        "How confident are you that you will make this change? (optional)",
        choices=CONFIDENCE,
        validators=[Optional()],
    )
    comments = TextAreaField(
        "Other comments (optional)", filters=[_strip], validators=[Optional(), Length(max=TEXT_MAX)]
    )

    def validate_bias_comment(self, field: Field) -> None:
        """A "no" on commercial bias needs a description of the bias."""
        if self.free_of_bias.data == "no" and not field.data:
            raise ValidationError("Describe the commercial bias you noticed.")

    def answers(self) -> dict[str, Any]:
        """The validated answers, typed for the service."""
        return {
            "objectives_met": int(self.objectives_met.data),
            "relevance": int(self.relevance.data),
            "free_of_bias": self.free_of_bias.data == "yes",
            "bias_comment": self.bias_comment.data or "",
            "intended_change": self.intended_change.data or "",
            "comments": self.comments.data or "",
            "change_confidence": int(self.change_confidence.data or 0) or None,
        }


class AttestationForm(FlaskForm):
    """Attest the hours spent, in quarter-hour steps up to the course maximum."""

    hours = StringField("Hours spent", filters=[_strip])
    confirm = BooleanField(
        "I attest that I spent this time on the activity",
        validators=[DataRequired("Tick the box to attest the time you spent.")],
    )

    def __init__(self, *args: Any, max_hours: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_hours = max_hours
        self.hours.render_kw = {
            "inputmode": "decimal",
            "type": "number",
            "step": "0.25",
            "min": "0.25",
            "max": format_hours(max_hours),
        }

    def validate_hours(self, field: Field) -> None:
        """Hours: a number > 0, a multiple of 0.25, at most the course maximum."""
        if not field.data:
            raise ValidationError("Enter the hours you spent, for example 1.75.")
        problem = hours_problem(field.data, self.max_hours)
        if problem:
            raise ValidationError(problem)


class VerifyForm(FlaskForm):
    """Look up a certificate by its code (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    code = StringField(
        "Certificate code",
        filters=[_strip],
        validators=[DataRequired("Enter the code printed on the certificate.")],
    )
