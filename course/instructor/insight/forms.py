"""Filter form for the cohort report (a GET form: no CSRF, no state change)."""

from __future__ import annotations

from datetime import date, datetime

from flask_wtf import FlaskForm
from wtforms import Field, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, StopValidation, ValidationError

from course.instructor.insight.cohort import STATES, CohortFilters
from course.models import PROFESSIONS

DATE_HINT = "Enter the date as YYYY-MM-DD, for example 2026-01-31, or pick it in the calendar."
# The inputs are <input type="date">: browsers show their own date format and a calendar, and
# send YYYY-MM-DD, so the help text describes the picker rather than one typed format.
FROM_HELP = "Pick a day in the calendar (your browser shows dates in its own format)."
TO_HELP = "Pick a day in the calendar; learners enrolled on that day are included."


def strip(value: str | None) -> str | None:
    """Trim surrounding whitespace, leaving None alone."""
    return value.strip() if isinstance(value, str) else value


def parse_day(text: str) -> date:
    """Parse a YYYY-MM-DD date between 1900 and 2100; raise ValueError with a clear message."""
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"{DATE_HINT[:-1]}; “{text[:40]}” is not a date.") from None
    if not 1900 <= day.year <= 2100:
        raise ValueError("Enter a year between 1900 and 2100.")
    return day


class DayField(StringField):
    """A calendar date typed as YYYY-MM-DD (or picked in the browser); `.day` holds it."""

    day: date | None = None
    invalid = False

    def pre_validate(self, form: FlaskForm) -> None:
        """Parse the text, stopping validation with a readable message when it is not a date."""
        self.day, self.invalid = None, False
        if self.data:
            try:
                self.day = parse_day(self.data)
            except ValueError as exc:
                self.invalid = True
                raise StopValidation(str(exc)) from exc

    def _value(self) -> str:
        # A date input may only hold a real YYYY-MM-DD; the message quotes the bad text.
        return "" if self.invalid else super()._value()


class CohortFilterForm(FlaskForm):
    """Course, profession, completion state, enrolment dates and a name/email search."""

    class Meta:
        csrf = False  # a GET filter form changes nothing

    FROM_HELP = FROM_HELP
    TO_HELP = TO_HELP

    course = SelectField("Course")
    profession = SelectField(
        "Profession",
        choices=[SelectChoice("", "Any profession"), *(SelectChoice(*p) for p in PROFESSIONS)],
        default="",
    )
    state = SelectField(
        "Completion",
        choices=[SelectChoice("", "Any"), *(SelectChoice(*s) for s in STATES.items())],
        default="",
    )
    enrolled_from = DayField(
        "Enrolled from", validators=[Optional()], filters=[strip], render_kw={"type": "date"}
    )
    enrolled_to = DayField(
        "Enrolled to", validators=[Optional()], filters=[strip], render_kw={"type": "date"}
    )
    q = StringField(
        "Name or email contains", validators=[Optional(), Length(max=200)], filters=[strip]
    )
    page = IntegerField(
        "Page", default=1, validators=[Optional(), NumberRange(min=1), NumberRange(max=100_000)]
    )

    def validate_enrolled_to(self, field: Field) -> None:
        """The range cannot end before it starts."""
        start = self.enrolled_from.day
        if start and field.day and field.day < start:
            raise ValidationError("“Enrolled to” must be on or after “Enrolled from”.")

    def filters(self) -> CohortFilters:
        """The validated filters as a plain value for the services."""
        return CohortFilters(
            profession=self.profession.data or None,
            state=self.state.data or None,
            enrolled_from=self.enrolled_from.day,
            enrolled_to=self.enrolled_to.day,
            search=self.q.data or None,
        )

    def query_args(self) -> dict[str, str]:
        """The filters as URL arguments, so page links and the CSV link keep them."""
        names = ("course", "profession", "state", "enrolled_from", "enrolled_to", "q")
        return {name: str(self[name].data) for name in names if self[name].data}

    def messages(self) -> list[str]:
        """Each error prefixed with its field's label, for the summary above the form."""
        return [
            f"{self[name].label.text}: {error}"
            for name, errors in self.errors.items()
            for error in errors
        ]
