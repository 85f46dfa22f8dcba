"""CE forms: the activity acknowledgement and the instructors' block editor."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length

BLOCK_MAX = 100_000


class AcknowledgeForm(FlaskForm):
    """The learner confirms they have read the activity information and disclosures."""

    confirm = BooleanField(
        "I have read the activity information and the disclosures",
        validators=[DataRequired("Tick the box to acknowledge the activity information.")],
    )


class BlockForm(FlaskForm):
    """One CE block of course.yaml, edited as YAML."""

    text = TextAreaField(
        "YAML",
        validators=[
            Length(max=BLOCK_MAX, message=f"text: at most {BLOCK_MAX:,} characters."),
        ],
        render_kw={"rows": 24, "spellcheck": "false", "class": "font-monospace"},
    )
