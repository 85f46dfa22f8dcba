"""Rules for the suite itself: each shared fixture has one definition and one meaning."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# Fixtures that exist to be overridden by a module (their conftest docstrings say so).
OVERRIDABLE = {"app_config", "course_content", "course_variant"}


def _is_fixture(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Attribute) and target.attr == "fixture"


def fixtures_defined(path: Path) -> dict[str, int]:
    """Fixture name -> line, for every @pytest.fixture function at the top of `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name: node.lineno
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and any(map(_is_fixture, node.decorator_list))
    }


def redefinitions() -> list[str]:
    """Every fixture a module defines again under a name a conftest above it already uses."""
    found = []
    for conftest in sorted(TESTS.rglob("conftest.py")):
        shared = set(fixtures_defined(conftest)) - OVERRIDABLE
        for module in sorted(conftest.parent.rglob("*.py")):
            if module == conftest:
                continue
            for name, line in fixtures_defined(module).items():
                if name in shared:
                    found.append(f"{module.relative_to(TESTS)}:{line}: {name}")
    return found


def test_no_module_redefines_a_conftest_fixture() -> None:
    assert not redefinitions(), (
        "these fixtures are already defined in a conftest.py; use that one, or give a "
        f"fixture that means something else its own name: {redefinitions()}"
    )


def test_the_rule_sees_a_redefinition(tmp_path: Path) -> None:
    module = tmp_path / "test_x.py"
    module.write_text("import pytest\n\n@pytest.fixture\ndef admin():\n    return 1\n")
    assert fixtures_defined(module) == {"admin": 4}
    assert "admin" in fixtures_defined(TESTS / "conftest.py")
