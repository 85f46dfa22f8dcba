"""Account forms: registration, login and profile."""

from __future__ import annotations

import unicodedata

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from course.auth.passwords import MAX_LENGTH, password_problems
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
    )
    profession = SelectField(
        "Profession or credential",
        choices=[SelectChoice(code, label) for code, label in PROFESSIONS],
    )
    licence_number = StringField(
        "Licence number (optional)", validators=[Optional(), Length(max=64)], filters=[strip]
    )
    licence_state = StringField(
        "Licence state or jurisdiction (optional)",
        validators=[Optional(), Length(max=64)],
        filters=[strip],
    )


class RegistrationForm(ProfileFields):
    """Create a learner account."""

    email = EmailField(
        "Email", validators=[DataRequired(), Email(), Length(max=254)], filters=[normalise_email]
    )
    password = PasswordField(
        "Password (at least 12 characters)", validators=[DataRequired(), Length(max=MAX_LENGTH)]
    )
    confirm = PasswordField(
        "Repeat password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
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

    email = EmailField("Email", validators=[DataRequired(), Email()], filters=[normalise_email])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField("Keep me signed in on this device")
    next = HiddenField()


class ProfileForm(ProfileFields):
    """Edit the profile (future certificates use it; issued ones never change)."""


class PasswordChangeForm(FlaskForm):
    """Change the password, confirming the current one."""

    current = PasswordField("Current password", validators=[DataRequired()])
    password = PasswordField(
        "New password (at least 12 characters)", validators=[DataRequired(), Length(max=MAX_LENGTH)]
    )
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
    )


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
