"""The platform layer's single owners (issue 10 §2-§4), checked over the source tree."""

from __future__ import annotations

import re

from tests.conftest import ROOT
from tests.test_architecture import grep

SETTINGS = "course/quiz/settings.py"


def test_settings_are_read_only_through_the_typed_models() -> None:
    """No `settings.get(` with a restated default: every read goes through QuizRules/CourseRules."""
    found = grep(r"settings\)?\.get\(|settings or \{\}\)\.get\(|\.settings\[", "course")
    assert [line for line in found if not line.startswith(SETTINGS)] == []
    # Templates too: they read quiz.rules / course.rules, never the raw settings dict.
    assert grep(r"(course|quiz)\.settings\b|settings\.get\(", "templates") == []


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


def test_no_role_is_compared_as_a_string() -> None:
    """Roles are Role members: compare with has_role/is_staff/is_admin, never "admin" text."""
    roles = r"""['"](admin|instructor|learner)['"]"""
    found = grep(rf"(==|!=)\s*{roles}|{roles}\s*(==|!=)|role\.value\s*(==|!=|in\b)", "course")
    found += grep(rf"(==|!=)\s*{roles}|role\.value\s*(==|!=|in\b)", "templates")
    assert found == []


def test_the_navigation_rules_live_in_permissions() -> None:
    """web.py exposes nav_links; it holds no role rule and no dead view_functions filter."""
    assert grep(r"role|is_staff|view_functions", "course/web.py") == []
    defined = grep(r"def (nav_links|staff_preview|api_login_required)\b", "course")
    assert {line.split(":")[0] for line in defined} == {"course/permissions.py"}
    assert len(defined) == 3


def test_every_relationship_is_two_sided() -> None:
    """Each relationship names its partner (back_populates), and the partner names it back."""
    from sqlalchemy.orm import configure_mappers

    from course.extensions import db

    configure_mappers()
    one_sided = []
    for mapper in db.Model.registry.mappers:
        for rel in mapper.relationships:
            partner = rel.back_populates and rel.mapper.relationships.get(rel.back_populates)
            if partner is None or partner.back_populates != rel.key:
                one_sided.append(f"{mapper.class_.__name__}.{rel.key}")
    assert one_sided == []


def test_each_model_helper_and_audit_writer_has_one_home() -> None:
    assert grep(r"def _enum\b|db\.Enum\(|\b_enum\(", "course") == []
    assert {line.split(":")[0] for line in grep(r"def enum_column\b", "course")} == {
        "course/models/types.py"
    }
    assert [line.split(":")[0] for line in grep(r"^class AuditEntry\b", "course")] == [
        "course/models/audit.py"
    ]
    assert [line.split(":")[0] for line in grep(r"def record_audit\b", "course")] == [
        "course/audit.py"
    ]
    writers = [line for line in grep(r"AuditEntry\(", "course") if "class AuditEntry" not in line]
    assert [line.split(":")[0] for line in writers] == ["course/audit.py"]


def test_module_names_say_what_they_hold() -> None:
    """codes.py holds only codes; the YAML upload form is in yaml_forms.py, and its commit and
    the regrade confirmation use the one preview token (#10 §1, §4)."""
    defined = grep(r"^(def|class) ", "course/certificates/codes.py")
    names = [re.search(r"(def|class) (\w+)", line).group(2) for line in defined]
    assert names == ["check_symbol", "_format", "new_code", "normalise"]
    assert not (ROOT / "course/instructor/bank/settings_forms.py").exists()
    yaml_forms = grep(r"^class ", "course/instructor/bank/yaml_forms.py")
    assert [re.search(r"class (\w+)", line).group(1) for line in yaml_forms] == ["ImportForm"]
    tokens = grep(r"^class \w*(Commit|Regrade)\w*Form\b", "course/instructor")
    assert [line.split(":")[0] for line in tokens] == ["course/instructor/preview.py"]


def test_no_module_in_course_is_over_300_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in (ROOT / "course").rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 300
    }
    assert long == {}
