"""Account forms: data export (a POST, as it is audited) and closure with confirmation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired


class ExportForm(FlaskForm):
    """Download all your data as JSON."""


class CloseForm(FlaskForm):
    """Close the account: the password and an explicit confirmation."""

    password = PasswordField(
        "Your password",
        validators=[DataRequired("Enter your password to close the account.")],
        render_kw={"autocomplete": "current-password"},
    )
    confirm = BooleanField(
        "I understand that closing my account cannot be undone",
        validators=[DataRequired("Tick the box to confirm you want to close your account.")],
    )
