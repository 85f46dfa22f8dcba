"""CE forms: the activity acknowledgement and the instructors' block editor."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
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


class ClaimForm(FlaskForm):
    """Hours spent and one credit field per designation open to the learner (added per form)."""

    hours = StringField("Hours you spent", filters=[lambda v: v.strip() if v else v])
    confirm = BooleanField(
        "I attest that I spent this time and claim only the credit commensurate with my "
        "participation",
        validators=[DataRequired("Tick the box to attest your time and claim.")],
    )


def claim_form(offers: list[tuple[str, str, float]]) -> ClaimForm:
    """A ClaimForm with a field `claim_<type>` for each (type, label, cap) offered."""

    class Bound(ClaimForm):
        pass

    for key, label, cap in offers:
        field = StringField(
            f"{label} claimed",
            filters=[lambda v: v.strip() if v else v],
            render_kw={"inputmode": "decimal", "data-max": f"{cap:g}"},
        )
        setattr(Bound, f"claim_{key}", field)
    return Bound()
