"""Forms for the YAML import preview and commit, and the regrade confirmation.

The quiz settings form is in bank.settings_form.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import InputRequired


class ImportForm(FlaskForm):
    """Upload a quizzes/ YAML file for a preview."""

    yaml_file = FileField(
        "Question file (YAML)",
        validators=[
            FileRequired("Choose a file."),
            FileAllowed(["yaml", "yml"], "YAML files only."),
        ],
    )


class CommitForm(FlaskForm):
    """Confirm an import preview: the file travels back encoded, with the plan's fingerprint."""

    payload = HiddenField(validators=[InputRequired()])
    token = HiddenField(validators=[InputRequired()])


class RegradeForm(FlaskForm):
    """Confirm a regrade exactly as the dry run showed it."""

    token = HiddenField(validators=[InputRequired()])
