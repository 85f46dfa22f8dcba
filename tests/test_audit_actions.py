"""Audit actions have one vocabulary (#10 §2): AuditAction, named `<target>.<verb>`."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from course.audit import record_audit
from course.audit_actions import AuditAction
from course.models import AuditEntry

ROOT = Path(__file__).resolve().parents[1]
WRITERS = {"record_audit", "audit", "audit_question", "_audit_sign_in", "choose_password"}


def test_every_action_is_named_target_dot_verb() -> None:
    names = [a.value for a in AuditAction]
    assert len(names) == len(set(names))
    bad = [n for n in names if not re.fullmatch(r"[a-z]+\.[a-z_]+", n)]
    assert bad == []


def _action_argument(call: ast.Call) -> ast.expr | None:
    name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
    if name not in WRITERS:
        return None
    index = {"audit_question": 1, "choose_password": 2}.get(name, 1)
    if len(call.args) > index:
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == "action"), None)


def test_no_writer_is_handed_a_string_literal() -> None:
    """Every call site names its action through AuditAction, never an ad-hoc string."""
    literals = []
    for path in sorted((ROOT / "course").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                arg = _action_argument(node)
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    literals.append(f"{path.relative_to(ROOT)}:{node.lineno}: {arg.value!r}")
    assert literals == []


def test_an_unknown_action_is_refused_and_writes_nothing(db) -> None:
    with pytest.raises(ValueError, match="is not a valid AuditAction"):
        record_audit(None, "certificate.issued_typo", "certificate", 1)
    db.session.rollback()
    assert db.session.query(AuditEntry).count() == 0


def test_a_known_action_is_stored_as_its_plain_name(db) -> None:
    entry = record_audit(None, AuditAction.QUESTION_RETIRE, "question", 7)
    db.session.commit()
    stored = db.session.get(AuditEntry, entry.id)
    assert stored.action == "question.retire"
    assert type(stored.action) is str
