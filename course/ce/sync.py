"""Sync the CE blocks of course.yaml (activity, disclosures, designations) into ce_activity.

Keyed on the course; written only when the file's blocks changed since the last sync, so an
instructor's edit in the UI stands until someone edits the file. Flushes, never commits.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Protocol

from sqlalchemy import select

from course.extensions import db
from course.models import CeActivity, Course


class _Report(Protocol):
    added: list[str]
    changed: list[str]
    unchanged: list[str]


def ce_blocks(data: Any) -> dict[str, Any]:
    """The JSON form of a CourseFile's CE blocks."""
    return {
        "info": data.activity.model_dump(mode="json") if data.activity else None,
        "disclosures": data.disclosures.model_dump(mode="json") if data.disclosures else None,
        "designations": [d.model_dump(mode="json") for d in data.designations],
    }


def sync_activity(course: Course, data: Any, report: _Report) -> None:
    """Upsert the course's CE activity from its validated course.yaml."""
    blocks = ce_blocks(data)
    blob = json.dumps(blocks, sort_keys=True, ensure_ascii=False).encode()
    file_digest = hashlib.sha256(blob).hexdigest()
    row = db.session.scalar(select(CeActivity).where(CeActivity.course_id == course.id))
    label = f"activity {course.slug}"
    if row is None:
        if blocks["info"] is None and blocks["disclosures"] is None and not blocks["designations"]:
            return
        row = CeActivity(course=course)
        db.session.add(row)
        report.added.append(label)
    elif row.file_digest == file_digest:
        report.unchanged.append(label)
        return
    else:
        report.changed.append(label)
    row.info, row.disclosures = blocks["info"], blocks["disclosures"]
    row.designations = blocks["designations"]
    row.file_digest = file_digest
    db.session.flush()
