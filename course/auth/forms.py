"""Account forms: registration, login and profile."""

from __future__ import annotations

import unicodedata

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError
from wtforms.widgets import PasswordInput

from course.auth.passwords import MAX_LENGTH, password_problems
from course.dates import time_zone_names
from course.models import PROFESSIONS


def normalise_email(value: str | None) -> str:
    """Lower-case and trim an email so that uniqueness ignores case."""
    return (value or "").strip().lower()


def strip(value: str | None) -> str | None:
    """Trim surrounding whitespace, leaving None alone."""
    return value.strip() if isinstance(value, str) else value


def normalise_name(value: str | None) -> str:
    """NFC-normalise and collapse whitespace in a person's name (Unicode kept as typed)."""
    return " ".join(unicodedata.normalize("NFC", value or "").split())


class ProfileFields(FlaskForm):
    """Fields shared by registration and the profile editor."""

    full_name = StringField(
        "Full name, exactly as it should appear on your certificate",
        validators=[DataRequired(), Length(min=2, max=200)],
        filters=[normalise_name],
        render_kw={"autocomplete": "name"},
    )
    # Starts empty: a learner who skips it must choose, rather than be certified as an MD.
    profession = SelectField(
        "Profession or credential",
        choices=[SelectChoice("", "Choose your profession or credential")]
        + [SelectChoice(code, label) for code, label in PROFESSIONS],
        validators=[DataRequired("Choose your profession or credential.")],
        render_kw={"autocomplete": "organization-title"},
    )
    licence_number = StringField(
        "Licence number (optional)",
        validators=[Optional(), Length(max=64)],
        filters=[strip],
        render_kw={"autocomplete": "off"},
    )
    licence_state = StringField(
        "Licence state or jurisdiction (optional)",
        validators=[Optional(), Length(max=64)],
        filters=[strip],
        render_kw={"autocomplete": "address-level1"},
    )


class RegistrationForm(ProfileFields):
    """Create a learner account."""

    email = EmailField(
        "Email",
        validators=[DataRequired(), Email(), Length(max=254)],
        filters=[normalise_email],
        render_kw={"autocomplete": "email"},
    )
    # Kept after an error elsewhere on the form, so the learner need not type both again.
    password = PasswordField(
        "Password (at least 12 characters)",
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        widget=PasswordInput(hide_value=False),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
        widget=PasswordInput(hide_value=False),
        render_kw={"autocomplete": "new-password"},
    )

    def validate_password(self, field: PasswordField) -> None:
        """Apply the password policy."""
        problems = password_problems(
            field.data or "", email=self.email.data or "", full_name=self.full_name.data or ""
        )
        if problems:
            raise ValidationError(" ".join(problems))


class LoginForm(FlaskForm):
    """Sign in."""

    email = EmailField(
        "Email",
        validators=[DataRequired(), Email()],
        filters=[normalise_email],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me signed in on this device")
    next = HiddenField()


class ProfileForm(ProfileFields):
    """Edit the profile (future certificates use it; issued ones never change)."""

    time_zone = SelectField(
        "Time zone for dates and times",
        choices=[SelectChoice(name, name.replace("_", " ")) for name in time_zone_names()],
        default="UTC",
        validate_choice=False,  # absent: unchanged; unknown: named below
    )

    def validate_time_zone(self, field: SelectField) -> None:
        """Accept only a time zone this system knows."""
        if field.data and field.data not in time_zone_names():
            raise ValidationError("Choose a time zone from the list.")


class PasswordChangeForm(FlaskForm):
    """Change the password, confirming the current one."""

    current = PasswordField(
        "Current password",
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        "New password (at least 12 characters)",
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
        render_kw={"autocomplete": "new-password"},
    )

    def validate_password(self, field: PasswordField) -> None:
        """Refuse a "new" password that is the current one."""
        if field.data and field.data == self.current.data:
            raise ValidationError("Choose a new password: this one is your current password.")


class ForgotPasswordForm(FlaskForm):
    """Ask for a password-reset link."""

    email = EmailField(
        "Email", validators=[DataRequired(), Email(), Length(max=254)], filters=[normalise_email]
    )


class ResetPasswordForm(FlaskForm):
    """Choose a new password from a reset link."""

    password = PasswordField(
        "New password (at least 12 characters)", validators=[DataRequired(), Length(max=MAX_LENGTH)]
    )
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
    )


class EmailChangeForm(FlaskForm):
    """Change the address: the new one is confirmed by a link sent to it."""

    email = EmailField(
        "New email",
        validators=[DataRequired(), Email(), Length(max=254)],
        filters=[normalise_email],
    )
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
