"""tools/arch_report.py: the evidence it prints is right, and the tree has nothing to report."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location("arch_report", ROOT / "tools" / "arch_report.py")
arch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(arch)


def test_cycles_are_found_through_other_modules() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert arch.cycles(graph) == [["a", "b", "c"]]
    assert arch.cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_module_level_imports_only() -> None:
    graph = arch.import_graph(arch.modules())
    assert "course.quiz.settings" in graph["course.quiz.grading"]
    # A TYPE_CHECKING-only import is not an edge: content.py names Quiz only for typing.
    assert "course.models.quiz" not in graph["course.models.content"]


def test_course_has_no_cycles_view_crossings_stray_qtype_or_long_modules() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "arch_report.py")],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout
    sections = {
        part.split(" ==\n", 1)[0]: part.split(" ==\n", 1)[1].strip()
        for part in result.stdout.split("\n== ")[1:]
    }
    assert "course/" in result.stdout.split("\n", 2)[1]
    assert [body for title, body in sections.items() if body != "none"] == []
    assert len(sections) == 4
