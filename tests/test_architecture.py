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
