"""The audit log made readable: labelled actions, named and linked targets, plain-language
details ("Name: Dana Okafor-Łęcka → Dana A. Okafor-Łęcka"), filters and a CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from course.audit_actions import AuditAction
from course.extensions import db
from course.models import AuditEntry, Certificate, User

ACTIONS = {
    AuditAction.CERTIFICATE_ISSUE: "Certificate issued",
    AuditAction.CERTIFICATE_ISSUE_AFTER_REVOCATION: "Certificate issued after a revocation",
    AuditAction.CERTIFICATE_REVOKE: "Certificate revoked",
    AuditAction.CERTIFICATE_REISSUE: "Certificate reissued",
    AuditAction.USER_ROLE_CHANGE: "Role changed",
    AuditAction.USER_NAME_CHANGE: "Name corrected",
    AuditAction.USER_DEACTIVATE: "Account deactivated",
    AuditAction.USER_REACTIVATE: "Account reactivated",
    AuditAction.USER_CREATE: "Account created",
    AuditAction.FIRST_PASSWORD: "First password set",
    AuditAction.USER_EXPORT: "Personal data exported",
    AuditAction.USER_CLOSE: "Account closed",
    AuditAction.CE_EDIT: "CE information edited",
}
FIELDS = {
    "full_name": "Name",
    "credential": "Credential",
    "licence_number": "Licence",
    "licence_state": "Licence state",
    "user_id": "Learner",
    "code": "Code",
    "credit_line": "Credit",
    "supersedes": "Replaces",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def action_label(action: str) -> str:
    """A readable name for an audit action ("Certificate revoked")."""
    return ACTIONS.get(action) or action.replace("_", " ").replace(".", ": ").capitalize()


def _field(key: str) -> str:
    return FIELDS.get(key) or key.replace("_", " ").capitalize()


def _value(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{_field(str(k))}: {_value(v)}" for k, v in sorted(value.items()))
    return str(value)


def describe(entry: AuditEntry, names: dict[int, str]) -> list[str]:
    """The entry's details as short sentences, people named rather than numbered."""
    details = dict(entry.details or {})
    lines: list[str] = []
    for key, (before, after) in sorted((details.pop("changes", None) or {}).items()):
        lines.append(f"{_field(key)}: {_value(before)} → {_value(after)}")
    if "from" in details and "to" in details:
        lines.append(f"Role: {_value(details.pop('from'))} → {_value(details.pop('to'))}")
    for key, value in sorted(details.items()):
        if key == "user_id" and isinstance(value, int):
            value = names.get(value, f"#{value}")
        lines.append(f"{_field(key)}: {_value(value)}")
    return lines


@dataclass(frozen=True)
class Target:
    """What an entry acted on: a readable label and, when it exists, the admin page for it."""

    label: str
    endpoint: str | None = None
    values: dict[str, int] | None = None


def targets(entries: Iterable[AuditEntry]) -> tuple[dict[int, Target], dict[int, str]]:
    """Name each entry's target (two queries for a whole page); also return user names by id."""
    entries = list(entries)
    user_ids = {e.target_id for e in entries if e.target_type == "user" and e.target_id}
    user_ids |= {
        e.details.get("user_id") for e in entries if isinstance(e.details.get("user_id"), int)
    }
    cert_ids = {e.target_id for e in entries if e.target_type == "certificate" and e.target_id}
    names = dict(
        db.session.execute(select(User.id, User.full_name).where(User.id.in_(user_ids))).all()
    )
    codes = dict(
        db.session.execute(
            select(Certificate.id, Certificate.code).where(Certificate.id.in_(cert_ids))
        ).all()
    )
    found: dict[int, Target] = {}
    for e in entries:
        if e.target_type == "user" and e.target_id in names:
            found[e.id] = Target(names[e.target_id], "admin.user", {"user_id": e.target_id})
        elif e.target_type == "certificate" and e.target_id in codes:
            label = f"Certificate {codes[e.target_id]}"
            found[e.id] = Target(label, "admin.certificate", {"certificate_id": e.target_id})
        else:
            found[e.id] = Target(
                f"{e.target_type} #{e.target_id}" if e.target_id else e.target_type
            )
    return found, names


@dataclass(frozen=True)
class AuditFilter:
    """What the audit log is narrowed to (every field optional)."""

    action: str = ""
    actor: str = ""  # part of the actor's name or email
    target_type: str = ""
    since: date | None = None
    until: date | None = None


def audit_query(f: AuditFilter) -> Select[tuple[AuditEntry]]:
    """Audit entries matching a filter, newest first."""
    stmt = select(AuditEntry).options(selectinload(AuditEntry.actor))
    if f.action:
        stmt = stmt.where(AuditEntry.action == f.action)
    if f.target_type:
        stmt = stmt.where(AuditEntry.target_type == f.target_type)
    if f.actor:
        like = f"%{f.actor.lower()}%"
        stmt = stmt.join(User, User.id == AuditEntry.actor_id).where(
            or_(func.lower(User.full_name).like(like), User.email.like(like))
        )
    if f.since:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(f.since, time(), UTC))
    if f.until:
        end = datetime.combine(f.until, time(), UTC) + timedelta(days=1)
        stmt = stmt.where(AuditEntry.at < end)
    return stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def known_values() -> tuple[list[str], list[str]]:
    """Actions and target types present in the log (for the filter menus)."""
    actions = db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    types = db.session.scalars(
        select(AuditEntry.target_type).distinct().order_by(AuditEntry.target_type)
    )
    return list(actions), list(types)


def _cell(value: str) -> str:
    """Neutralise spreadsheet formulas in a CSV cell."""
    return "'" + value if value.startswith(FORMULA_START) else value


def audit_csv(stmt: Select[tuple[AuditEntry]], limit: int = 100_000) -> str:
    """The filtered log as CSV, readable columns, formulas neutralised."""
    entries = list(db.session.scalars(stmt.limit(limit)))
    found, names = targets(entries)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["When (UTC)", "Who", "What", "Target", "Why", "Details"])
    for e in entries:
        who = f"{e.actor.full_name} <{e.actor.email}>" if e.actor else "System"
        row = [e.at.astimezone(UTC).isoformat(timespec="seconds"), who, action_label(e.action)]
        row += [found[e.id].label, e.reason or "", "; ".join(describe(e, names))]
        writer.writerow([_cell(str(v)) for v in row])
    return out.getvalue()
