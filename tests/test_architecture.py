"""One owner per concern (DESIGN.md rules 15-16), checked over the source tree."""

from __future__ import annotations

import subprocess

from tests.conftest import ROOT


def grep(pattern: str, *paths: str) -> list[str]:
    """Lines of tracked files under `paths` matching an extended regular expression."""
    found = subprocess.run(
        ["git", "grep", "-nE", pattern, "--", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.splitlines()


def test_no_module_reads_the_time_except_clock() -> None:
    found = grep(r"datetime\.now\(|datetime\.utcnow\(|time\.time\(", "course")
    assert [line for line in found if not line.startswith("course/clock.py:")] == []


def test_question_types_are_compared_only_inside_their_registry() -> None:
    found = grep(r"\bq?type\s*(==|!=)\s*['\"](single|multiple|truefalse|ordering)", "course")
    found += grep(r"\bqtype\s*(==|!=)", "course", "templates")
    assert [line for line in found if not line.startswith("course/quiz/types/")] == []


def test_instructor_sub_packages_import_only_themselves_preview_and_lower_layers() -> None:
    found = grep(r"^\s*from course\.instructor\.(bank|interchange|authoring|insight)\b", "course")
    crossing = []
    for line in found:
        path, _, code = line.split(":", 2)
        parts = path.split("/")
        owner = parts[2] if len(parts) > 3 else None  # course/instructor/<owner>/x.py
        target = code.split("course.instructor.", 1)[1].split()[0].split(".")[0]
        if path != "course/instructor/__init__.py" and owner != target:
            crossing.append(line)
    assert crossing == []


def test_every_test_module_holds_tests() -> None:
    """Helpers live in modules not named test_*.py (quizkit, bankkit, certkit, pdfqr ...)."""
    empty = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("test_*.py")
        if "def test_" not in path.read_text(encoding="utf-8")
    ]
    assert empty == []
