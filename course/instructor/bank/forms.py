"""Forms for the question bank's question editor and its confirmations.

The quiz settings form is bank.settings_form; YAML import and regrade confirmation forms
live in bank.yaml_forms.
"""

from __future__ import annotations

import re
import secrets
import string
from typing import Any

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from course.content.itemwriting import item_warnings
from course.content.render import render_inline, render_markdown
from course.content.schema import TAGS
from course.extensions import db
from course.models import Course, Question, QuestionVersion
from course.quiz.types import REGISTRY
from course.quiz.view_models import TakeItem, TakeOption

KEY_RE = re.compile(r"^[a-z0-9_-]{1,20}$")
UID_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MAX_OPTIONS = 8


class OptionForm(Form):
    """One answer option; a row left entirely blank is ignored."""

    key = HiddenField()
    weight = HiddenField()
    text = TextAreaField("Option text", validators=[Length(max=2000)], render_kw={"rows": 2})
    correct = BooleanField("Correct")
    rationale = TextAreaField("Rationale", validators=[Length(max=4000)], render_kw={"rows": 2})

    @property
    def blank(self) -> bool:
        """Tell whether the row has no text, no rationale and no correct mark."""
        text, why = (self.text.data or "").strip(), (self.rationale.data or "").strip()
        return not text and not why and not self.correct.data

    def validate(self, extra_validators: Any = None) -> bool:
        """Require text and a rationale on every row that is not blank."""
        ok = super().validate(extra_validators)
        if self.blank:
            return ok
        if not (self.text.data or "").strip():
            self.text.errors.append("Enter the option's text.")
            ok = False
        if len((self.rationale.data or "").strip()) < 3:
            self.rationale.errors.append(
                "Every option needs a rationale: why is it right or wrong?"
            )
            ok = False
        return ok


def _weight(raw: str | None) -> float | None:
    try:
        return float(raw) if raw not in (None, "") else None
    except ValueError:
        return None


class QuestionForm(FlaskForm):
    """Create or edit a question; saving adds a new immutable version."""

    uid = StringField(
        "Question ID",
        validators=[Optional(), Length(max=100), Regexp(UID_RE, message="Use a-z, 0-9 and -.")],
    )
    qtype = SelectField(
        "Type", choices=[SelectChoice(name, kind.label) for name, kind in REGISTRY.items()]
    )
    module = SelectField("Module", coerce=int)
    stem = TextAreaField(
        "Stem (Markdown)",
        validators=[
            InputRequired(),
            Length(
                min=10, max=10000, message="The stem needs at least 10 characters (at most 10,000)."
            ),
        ],
        render_kw={"rows": 5},
    )
    options = FieldList(FormField(OptionForm), min_entries=2, max_entries=MAX_OPTIONS)
    feedback = TextAreaField(
        "General feedback (Markdown)",
        validators=[InputRequired(), Length(min=3, max=10000)],
        render_kw={"rows": 3},
    )
    objective = SelectField("Learning objective", coerce=int)
    tags = SelectMultipleField(
        "Tags",
        choices=list(TAGS),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    references = StringField("References")
    difficulty = SelectField("Difficulty", choices=["easy", "medium", "hard"])
    vignette = BooleanField("Clinical vignette (a patient case)")

    def __init__(
        self, *args: Any, course: Course, existing: Question | None = None, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.course, self.existing = course, existing
        self.module.choices = [
            *(SelectChoice(m.id, f"{m.position}. {m.title}") for m in course.modules),
            SelectChoice(0, "No module: final exam pool only"),
        ]
        chosen = next((m for m in course.modules if m.id == self.module.data), None)
        objectives = chosen.objectives if chosen else []
        self.objective.choices = [
            SelectChoice(i, f"{i}. {t}") for i, t in enumerate(objectives, 1)
        ] or [SelectChoice(0, "(this module lists no objectives)")]

    @property
    def module_obj(self) -> Any:
        """Return the chosen Module, or None."""
        return next((m for m in self.course.modules if m.id == self.module.data), None)

    def validate_uid(self, field: StringField) -> None:
        """Refuse an ID already used in the course (new questions only)."""
        if self.existing is None and field.data:
            taken = db.session.scalar(
                select(Question.id).where(
                    Question.course_id == self.course.id, Question.uid == field.data
                )
            )
            if taken:
                raise ValidationError(f"The ID {field.data!r} is already used in this course.")

    def validate_tags(self, field: SelectMultipleField) -> None:
        """Require at least one tag."""
        if not field.data:
            raise ValidationError("Choose at least one tag.")

    def reference_numbers(self) -> list[int]:
        """Return the typed references as numbers (unparseable parts dropped)."""
        parts = [p.strip() for p in (self.references.data or "").split(",")]
        return [int(p) for p in parts if p.isdigit()]

    def validate_references(self, field: StringField) -> None:
        """Require at least one number, each in the course's reference list."""
        parts = [p.strip() for p in (field.data or "").split(",") if p.strip()]
        if not parts:
            raise ValidationError("Cite at least one reference that supports the key.")
        bad = [p for p in parts if not p.isdigit()]
        if bad:
            raise ValidationError(f"Use comma-separated numbers; {bad[0]!r} is not a number.")
        known = {r.get("number") for r in self.course.references}
        unknown = [p for p in parts if int(p) not in known]
        if unknown:
            top = max(known, default=0)
            raise ValidationError(f"Reference {unknown[0]} is not in the course's list (1-{top}).")

    def validate_options(self, field: FieldList) -> None:
        """Apply the chosen type's own option rules; errors go on the options field."""
        kind = REGISTRY.get(self.qtype.data or "")
        if kind is None:
            return  # the type field reports an unknown type
        problems = kind.problems(self.option_dicts())
        field.errors.extend(p[0].upper() + p[1:] + "." for p in problems)

    def live_rows(self) -> list[OptionForm]:
        """Return the option rows that are not blank."""
        return [entry.form for entry in self.options if not entry.form.blank]

    def option_dicts(self) -> list[dict[str, Any]]:
        """Return non-blank options with stable keys (existing kept, new ones allocated)."""
        rows = self.live_rows()
        keys: list[str | None] = []
        for row in rows:
            key = (row.key.data or "").strip()
            text = (row.text.data or "").strip().lower()
            fixed = REGISTRY[self.qtype.data].fixed_keys if self.qtype.data in REGISTRY else None
            if fixed and text in fixed:
                key = text
            keys.append(key if KEY_RE.match(key) and key not in keys else None)
        free = (k for k in string.ascii_lowercase + string.digits if k not in keys)
        return [
            {
                "key": key or next(free),
                "text": (row.text.data or "").strip(),
                "correct": bool(row.correct.data),
                "rationale": (row.rationale.data or "").strip(),
                "weight": _weight(row.weight.data),
            }
            for row, key in zip(rows, keys, strict=True)
        ]

    def entry_data(self, uid: str) -> dict[str, Any]:
        """Return the question in the quizzes/ file shape, for QuestionEntry validation."""
        return {
            "id": uid,
            "type": self.qtype.data,
            "stem": self.stem.data or "",
            "objective": self.objective.data or None,
            "tags": list(self.tags.data or []),
            "references": self.reference_numbers(),
            "difficulty": self.difficulty.data,
            "vignette": bool(self.vignette.data),
            "feedback": self.feedback.data or "",
            "options": [
                {"id": o["key"], "text": o["text"], "correct": o["correct"], "weight": o["weight"]}
                | {"rationale": o["rationale"]}
                for o in self.option_dicts()
            ],
        }

    def attach(self, loc: tuple[Any, ...], message: str) -> None:
        """Put a schema error on the field it names (options errors on the options field)."""
        names = {"id": "uid", "type": "qtype"}
        name = names.get(str(loc[0]), str(loc[0])) if loc else ""
        target = getattr(self, name, None) if name in self._fields else None
        (target.errors if target is not None else self.form_errors).append(message)

    def warnings(self) -> list[str]:
        """Return item-writing warnings for the question as typed (never blocking)."""
        return item_warnings(
            self.stem.data or "",
            self.option_dicts(),
            self.reference_numbers(),
            qtype=self.qtype.data or "single",
        )

    def preview(self) -> dict[str, Any]:
        """Build the question as a learner sees it (dummy tokens, no key) plus feedback."""
        kind = REGISTRY.get(self.qtype.data or "") or REGISTRY["single"]
        options = self.option_dicts()
        learner = TakeItem(
            1,
            render_markdown(self.stem.data or ""),
            kind.input_type,
            kind.label,
            [
                TakeOption("o" + secrets.token_hex(6), render_inline(o["text"]), False)
                for o in options
            ],
        )
        rationales = [
            (render_inline(o["text"]), o["correct"], render_inline(o["rationale"])) for o in options
        ]
        return {
            "item": learner,
            "rationales": rationales,
            "feedback": render_markdown(self.feedback.data or ""),
        }


def question_form_data(question: Question, version: QuestionVersion) -> dict[str, Any]:
    """Return initial editor data from a stored version."""
    return {
        "qtype": version.qtype,
        "module": question.module_id or 0,
        "stem": version.stem,
        "options": [
            {
                "key": o["key"],
                "weight": "" if o.get("weight") is None else str(o["weight"]),
                "text": o["text"],
                "correct": bool(o.get("correct")),
                "rationale": o.get("rationale", ""),
            }
            for o in version.options
        ],
        "feedback": version.feedback,
        "objective": version.objective or 0,
        "tags": list(version.tags),
        "references": ", ".join(str(n) for n in version.references),
        "difficulty": version.difficulty,
        "vignette": version.vignette,
    }


class ConfirmForm(FlaskForm):
    """Confirm a destructive action (the button also asks in the browser)."""

    confirm = HiddenField(validators=[InputRequired()])
