"""The platform layer's single owners (issue 10 §2-§4), checked over the source tree."""

from __future__ import annotations

from tests.test_architecture import grep

SETTINGS = "course/quiz/settings.py"


def test_settings_are_read_only_through_the_typed_models() -> None:
    """No `settings.get(` with a restated default: every read goes through QuizRules/CourseRules."""
    found = grep(r"settings\)?\.get\(|settings or \{\}\)\.get\(|\.settings\[", "course")
    assert [line for line in found if not line.startswith(SETTINGS)] == []


def test_settings_defaults_are_stated_once() -> None:
    """The pass mark's 0.8 and the certificate policy's default live only in the settings module."""
    found = grep(r"\b0\.8\b", "course")
    defaults = r"""(sequential|certificate_policy)["']?\s*[:=,]\s*(True|["']approval)"""
    found += grep(defaults, "course")
    # course/certificates/pdf.py draws with 0.8 pt lines and 80% widths: geometry, not settings.
    assert [
        line
        for line in found
        if not line.startswith(SETTINGS) and not line.startswith("course/certificates/pdf.py:")
    ] == []
