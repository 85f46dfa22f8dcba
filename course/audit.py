"""The audit log's tamper evidence: each entry carries the hash of the one before it.

Every entry is written by `record_audit`, the one writer; the chain is extended at flush time,
in id order, so nobody can forget to. Editing, deleting
or reordering any past entry breaks every hash after it, which ``flask audit verify`` reports.
On PostgreSQL the newest entry is locked while the next one is chained, so concurrent writers
queue instead of forking the chain (SQLite already serializes writers).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from course import clock
from course.audit_actions import AuditAction
from course.extensions import db
from course.models import AuditEntry, User

GENESIS = "0" * 64


def record_audit(
    actor: User | int | None,
    action: AuditAction | str,
    target_type: str,
    target_id: int | None,
    *,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an audit entry: who (a user or their id; None = the system), what, on which
    target, and why. Flushes (so the entry has its id and hash), never commits.

    `action` must be an AuditAction (a string that is not one of its values is a ValueError,
    so a misspelt action is caught by the first test that writes it)."""
    entry = AuditEntry(
        at=clock.now(),
        actor_id=actor if actor is None or isinstance(actor, int) else actor.id,
        action=AuditAction(action).value,
        target_type=target_type,
        target_id=target_id,
        reason=reason,
        details=dict(details or {}),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    """sha256 over the previous hash and the entry's content, canonically encoded."""
    content = {
        "prev": prev_hash,
        "at": entry.at.isoformat() if entry.at else None,
        "actor_id": entry.actor_id,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "reason": entry.reason or "",
        "details": entry.details or {},
    }
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _last_hash(session: Session) -> str:
    stmt = select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return session.scalar(stmt) or GENESIS


@event.listens_for(Session, "before_flush")
def _chain_new_entries(session: Session, flush_context: Any, instances: Any) -> None:
    """Give every new audit entry its place in the chain before it is written."""
    new = [obj for obj in session.new if isinstance(obj, AuditEntry)]
    if not new:
        return
    prev = None
    for entry in new:
        if entry.at is None:
            entry.at = clock.now()
        if entry.details is None:
            entry.details = {}
        if entry.reason is None:
            entry.reason = ""
        if prev is None:
            with session.no_autoflush:
                prev = _last_hash(session)
        entry.prev_hash = prev
        entry.entry_hash = prev = entry_hash(prev, entry)


@dataclass(frozen=True)
class ChainReport:
    """The outcome of checking the chain."""

    checked: int
    broken_at: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        """True when every entry links to the one before and its hash matches its content."""
        return self.broken_at is None


def verify_chain(entries: Iterable[AuditEntry]) -> ChainReport:
    """Recompute the chain over entries in id order; report the first break."""
    prev = GENESIS
    count = 0
    for entry in entries:
        count += 1
        if entry.prev_hash != prev:
            return ChainReport(count, entry.id, "does not link to the entry before it")
        if entry.entry_hash != entry_hash(prev, entry):
            return ChainReport(count, entry.id, "its content does not match its hash")
        prev = entry.entry_hash
    return ChainReport(count)
