"""The pre-commit hooks run exactly what `make lint` runs."""

from __future__ import annotations

import re

import yaml

from tests.conftest import ROOT


def test_pre_commit_runs_what_make_lint_runs() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    entries = [hook["entry"].replace(".venv/bin/", "") for hook in hooks]
    makefile = (ROOT / "Makefile").read_text()
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    recipe = [re.sub(r"\$\(BIN\)/", "", line.strip()) for line in lint.splitlines()[1:]]
    assert "ruff check ." in recipe
    assert "ruff check" in entries
    assert "ruff format --check ." in recipe
    assert "ruff format --check" in entries
    assert any("flask content lint" in line for line in recipe)
    assert any(entry.endswith("flask --app wsgi content lint") for entry in entries)
