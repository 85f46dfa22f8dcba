"""Admin forms: certificate selection, revoke and reissue (with reasons), role changes."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from course.models import Role
from course.models.user import PROFESSION_CODES, PROFESSIONS

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


class UserSearchForm(FlaskForm):
    """Narrow the users list (GET; changes nothing, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField("Name or email", filters=[_strip], validators=[Length(max=200)])
    role = SelectField(
        "Role",
        choices=[SelectChoice("", "Any role")]
        + [SelectChoice(r.value, r.value.title()) for r in Role],
        validate_choice=False,
    )
    profession = SelectField(
        "Profession",
        choices=[SelectChoice("", "Any profession")]
        + [SelectChoice(c, c) for c in PROFESSION_CODES],
        validate_choice=False,
    )
    status = SelectField(
        "Status",
        choices=[
            SelectChoice("", "Active and inactive"),
            SelectChoice("active", "Active"),
            SelectChoice("inactive", "Deactivated"),
        ],
        validate_choice=False,
    )
    letter = HiddenField()


class NameForm(FlaskForm):
    """Correct a user's name: the reason is kept in the audit log."""

    full_name = StringField(
        "Corrected name",
        filters=[_strip],
        validators=[DataRequired("Enter the corrected name."), Length(min=2, max=200)],
    )
    reason = TextAreaField(
        "Reason for the correction",
        filters=[_strip],
        validators=[DataRequired("Give a reason for the correction."), Length(max=REASON_MAX)],
    )


class ActiveForm(FlaskForm):
    """Deactivate or reactivate an account, with a reason."""

    reason = TextAreaField(
        "Reason",
        filters=[_strip],
        validators=[DataRequired("Give a reason."), Length(max=REASON_MAX)],
    )


class NewUserForm(FlaskForm):
    """Create an account for someone (they are emailed a link to set their password)."""

    full_name = StringField(
        "Full name",
        filters=[_strip],
        validators=[DataRequired("Enter the full name."), Length(min=2, max=200)],
    )
    email = EmailField(
        "Email",
        filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
        validators=[
            DataRequired("Enter the email."),
            Email("Enter a valid email."),
            Length(max=254),
        ],
    )
    profession = SelectField(
        "Profession or credential",
        choices=[SelectChoice("", "Choose a profession")]
        + [SelectChoice(c, label) for c, label in PROFESSIONS],
        validators=[DataRequired("Choose a profession or credential.")],
    )
    role = SelectField(  # the choice itself is validated; "required" would need a blank first
        "Role", choices=[SelectChoice(r.value, r.value.title()) for r in Role]
    )


class AuditSearchForm(FlaskForm):
    """Narrow the audit log (GET; changes nothing, so no CSRF token)."""

    class Meta:
        csrf = False

    action = SelectField("Action", validate_choice=False)
    actor = StringField("Who (name or email)", filters=[_strip], validators=[Length(max=200)])
    target_type = SelectField("Target", validate_choice=False)
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])
