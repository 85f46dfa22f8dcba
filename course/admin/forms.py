"""Admin forms: certificate selection, revoke and reissue (with reasons), role changes."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from course.models import Role

REASON_MAX = 1000


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class SelectionForm(FlaskForm):
    """Which queued learners to issue to: ticked enrolments, or every eligible learner."""

    enrollment = SelectMultipleField("Learners", coerce=int, validate_choice=False)
    everyone = BooleanField("Every eligible learner")


class ConfirmedForm(FlaskForm):
    """A form posted twice: first to see a confirmation page, then with confirmed=yes."""

    confirmed = HiddenField()

    @property
    def is_confirmed(self) -> bool:
        """True on the second, confirming post."""
        return self.confirmed.data == "yes"


class RevokeForm(ConfirmedForm):
    """Revoke a certificate: the reason is required and kept in the audit log."""

    reason = TextAreaField(
        "Reason for revoking",
        filters=[_strip],
        validators=[DataRequired("Give a reason for revoking."), Length(max=REASON_MAX)],
    )


class ReissueForm(ConfirmedForm):
    """Reissue a certificate from the current profile: the reason is required."""

    reason = TextAreaField(
        "Reason for reissuing (e.g. name correction)",
        filters=[_strip],
        validators=[DataRequired("Give a reason for reissuing."), Length(max=REASON_MAX)],
    )


class IssueAfterRevocationForm(FlaskForm):
    """Issue again to one learner whose certificate was revoked: an explicit confirmation."""

    confirm = BooleanField(
        "I have checked that the reason for the revocation no longer applies",
        validators=[
            DataRequired("Tick the box to confirm the revocation reason no longer applies.")
        ],
    )
    reason = TextAreaField(
        "Why a new certificate may be issued",
        filters=[_strip],
        validators=[DataRequired("Give a reason for issuing again."), Length(max=REASON_MAX)],
    )


class RoleForm(ConfirmedForm):
    """Give a user another role."""

    role = SelectField(
        "Role",
        choices=[SelectChoice(r.value, r.value.title()) for r in Role],
        validators=[DataRequired("Choose a role.")],
    )
    reason = TextAreaField(
        "Reason (optional)", filters=[_strip], validators=[Length(max=REASON_MAX)]
    )
