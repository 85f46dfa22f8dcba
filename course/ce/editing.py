"""Instructors edit a course's CE blocks in the UI, validated by the same schema as course.yaml.

Each block is edited as the YAML it has in course.yaml, so what a provider writes in the file
and in the browser is the same thing, and every error names the field. Flushes, never commits.
"""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select

from course.audit import record_audit
from course.audit_actions import AuditAction
from course.ce.activity import forget
from course.ce.registry import credit_type
from course.ce.schema import ActivityInfo, Designation, Disclosures, designation_problems
from course.content.schema import Accreditation
from course.content.yamlpos import TextDateLoader
from course.extensions import db
from course.models import CeActivity, Course, User

# block name in course.yaml -> (CeActivity column, schema); accreditation lives on Course.
BLOCKS: dict[str, tuple[str, Any]] = {
    "activity": ("info", TypeAdapter(ActivityInfo | None)),
    "disclosures": ("disclosures", TypeAdapter(Disclosures | None)),
    "designations": ("designations", TypeAdapter(list[Designation])),
    "accreditation": ("accreditation", TypeAdapter(Accreditation)),
}
MAX_ERRORS = 20


class BlockProblem(Exception):
    """The submitted block is not valid; `errors` name the fields."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def _row(course: Course) -> CeActivity | None:
    return db.session.scalar(select(CeActivity).where(CeActivity.course_id == course.id))


def _holder(course: Course, block: str) -> Any:
    """The object that stores a block: the course for accreditation, else its CE row."""
    return course if block == "accreditation" else _row(course)


def block_text(course: Course, block: str) -> str:
    """The block as YAML, ready to edit (empty when the course has none)."""
    holder = _holder(course, block)
    value = getattr(holder, BLOCKS[block][0]) if holder else None
    if not value:
        return ""
    return yaml.safe_dump({block: value}, sort_keys=False, allow_unicode=True, width=100)


def _load_yaml(block: str, text: str) -> Any:
    """Parse the text; it may start with the block's own key, as in course.yaml."""
    if "\x00" in text:
        raise BlockProblem(["text: must not contain NUL bytes"])
    try:
        data = yaml.load(text, Loader=TextDateLoader) if text.strip() else None  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "text"
        raise BlockProblem([f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})"]) from None
    if isinstance(data, dict) and set(data) == {block}:
        data = data[block]
    if data is None and block == "designations":
        data = []
    return data


def parse_block(course: Course, block: str, text: str) -> Any:
    """Validate a block's YAML and return its JSON form (BlockProblem names each bad field)."""
    data = _load_yaml(block, text)
    try:
        value = BLOCKS[block][1].validate_python(data)
    except ValidationError as exc:
        errors = []
        for err in exc.errors()[:MAX_ERRORS]:
            loc = ".".join(str(p) for p in err["loc"] if p not in ("ActivityInfo", "Disclosures"))
            errors.append(f"{block}{'.' + loc if loc else ''}: {err['msg']}")
        raise BlockProblem(errors) from None
    if block == "designations":
        problems = designation_problems(bool(course.accreditation.get("accredited")), value)
        problems += [
            f"designations.{n}.max_credits: more than the course's {course.max_hours:g} hours"
            for n, d in enumerate(value)
            if d.max_credits > course.max_hours
        ]
        if problems:
            raise BlockProblem(problems)
        return [d.model_dump(mode="json") for d in value]
    if block == "accreditation":
        _accreditation_fits(course, value)
    return value.model_dump(mode="json") if value is not None else None


def _accreditation_fits(course: Course, value: Accreditation) -> None:
    """Unaccredited: the designations must offer participation only."""
    row = _row(course)
    if value.accredited or row is None:
        return
    credit = [
        f"designations.{n}"
        for n, d in enumerate(row.designations or [])
        if credit_type(d["credit_type"]).accredited
    ]
    if credit:
        raise BlockProblem(
            [
                "accreditation.accredited: the course still designates accredited credit ("
                + ", ".join(credit)
                + "); remove those designations first"
            ]
        )


def save_block(course: Course, block: str, text: str, actor: User) -> CeActivity | Course:
    """Replace one CE block of a course (instructors and admins) and audit the change."""
    value = parse_block(course, block, text)
    row = _holder(course, block)
    if row is None:
        row = CeActivity(course=course, designations=[])
        db.session.add(row)
    before = getattr(row, BLOCKS[block][0])
    setattr(row, BLOCKS[block][0], value)
    if isinstance(row, CeActivity):
        row.updated_by_id = actor.id
    db.session.flush()
    forget(course)
    record_audit(
        actor,
        AuditAction.CE_EDIT,
        "course",
        course.id,
        details={"block": block, "before": before, "after": value},
    )
    return row
