"""The YAML import upload form; its commit and the regrade confirmation use the one preview
token (instructor.preview). The quiz settings form is in bank.settings_form.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired


class ImportForm(FlaskForm):
    """Upload a quizzes/ YAML file for a preview."""

    yaml_file = FileField(
        "Question file (YAML)",
        validators=[
            FileRequired("Choose a file."),
            FileAllowed(["yaml", "yml"], "YAML files only."),
        ],
    )
