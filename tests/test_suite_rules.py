"""Rules for the suite itself: each shared fixture has one definition and one meaning."""

from __future__ import annotations

import ast
import re
import tokenize
from pathlib import Path

import pytest

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


# --- URLs are named through url_for ---------------------------------------------------------

# A literal path is kept only where the path itself is the contract: the public verify and
# credential URLs printed on certificates and in QR codes, the API, the status lists, health
# checks. Such literals are allowed everywhere; any other literal is counted below.
CONTRACT_PREFIXES = ("/api/", "/verify", "/.well-known/", "/credentials/status", "/healthz")
APP_PATH = re.compile(
    r"^/(|admin|auth|instructor|courses|quiz|ce|account|dashboard|transcript|certificates|"
    r"privacy|readyz)(?:[/?#.]|$)"
)
# Files whose literals are the subject under test: the role matrix and the bad-input sweep
# build URLs from url_map themselves and feed malformed paths; test_public_urls asserts the
# exact public addresses; test_errors adds throwaway routes.
# 216 literal app paths remain (649 before the conversion to url_for).
LITERAL_BUDGET = {  # file: literal app paths still allowed; lower these, never raise them
    "test_accessibility.py": 29,
    "test_account_journey.py": 3,
    "test_admin.py": 2,
    "test_admin_users.py": 2,
    "test_admin_welcome_mail.py": 5,
    "test_architecture.py": 2,
    "test_auth.py": 8,
    "test_auth_journey.py": 7,
    "test_bad_input_cases.py": 9,
    "test_bank_editor.py": 1,
    "test_bank_editor_ux.py": 1,
    "test_bank_html_validity.py": 8,
    "test_bank_journey.py": 3,
    "test_bank_regrade.py": 2,
    "test_bank_search.py": 1,
    "test_bank_settings.py": 1,
    "test_bank_versions.py": 2,
    "test_bank_yaml.py": 1,
    "test_ce_activity.py": 2,
    "test_ce_disclosures.py": 1,
    "test_ce_html_validity.py": 10,
    "test_ce_journey.py": 3,
    "test_ce_outcomes.py": 3,
    "test_ce_reporting.py": 2,
    "test_ce_transcript.py": 3,
    "test_ce_transcript_journey.py": 2,
    "test_certificate_journey.py": 6,
    "test_certificates.py": 1,
    "test_certificates_concurrency.py": 2,
    "test_cluster.py": 22,
    "test_cohort_report_defaults.py": 1,
    "test_db_down.py": 4,
    "test_db_write.py": 3,
    "test_exam_timer.py": 2,
    "test_first_run.py": 8,
    "test_gift.py": 5,
    "test_html_validity.py": 30,
    "test_import_flow.py": 3,
    "test_imports.py": 4,
    "test_insight_analysis.py": 2,
    "test_insight_cohort.py": 3,
    "test_insight_journey.py": 3,
    "test_instructor_journey.py": 2,
    "test_interchange_fuzz.py": 3,
    "test_item_analysis_summary.py": 5,
    "test_learning.py": 3,
    "test_mail.py": 5,
    "test_mfa.py": 7,
    "test_mobile_journey.py": 8,
    "test_ops.py": 4,
    "test_pagination.py": 1,
    "test_permissions_nav.py": 2,
    "test_preview_token.py": 3,
    "test_quiz_audit.py": 1,
    "test_quiz_engine.py": 6,
    "test_quiz_journey.py": 3,
    "test_quiz_ordering.py": 1,
    "test_quiz_settings_page.py": 1,
    "test_read_model.py": 21,
    "test_request_concurrency.py": 2,
    "test_suite_rules.py": 2,
    "test_template_queries.py": 1,
    "test_unit_of_work.py": 3,
}
EXEMPT = {"test_roles.py", "test_bad_input.py", "test_public_urls.py", "test_errors.py"}


def literal_paths(path: Path) -> list[str]:
    """Every string literal in `path` that spells out an app page's path."""
    found = []
    with path.open(encoding="utf-8") as handle:
        for token in tokenize.generate_tokens(handle.readline):
            if token.type != tokenize.STRING or "literal URL" in token.line:
                continue
            body = token.string.lstrip("rRbBuUfF")
            body = body[3:-3] if body[:3] in ('"""', "'''") else body[1:-1]
            if APP_PATH.match(body) and not body.startswith(CONTRACT_PREFIXES):
                found.append(f"{path.name}:{token.start[0]}: {body}")
    return found


def test_literal_app_paths_do_not_come_back() -> None:
    counts = {}
    for module in sorted(TESTS.rglob("test_*.py")):
        if module.name not in EXEMPT:
            counts[module.name] = len(literal_paths(module))
    grown = {
        name: (n, LITERAL_BUDGET.get(name, 0))
        for name, n in counts.items()
        if n > LITERAL_BUDGET.get(name, 0)
    }
    assert not grown, (
        "name pages with url(endpoint, **values) or get_page(endpoint, ...), not a literal "
        f"path (file: (found, allowed)): {grown}"
    )


def test_the_literal_counter_sees_a_path(tmp_path: Path) -> None:
    module = tmp_path / "test_x.py"
    module.write_text(
        'client.get("/admin/users")\nclient.get(f"/quiz/{n}")\nclient.get("/api/v1/courses")\n'
        'client.get("/auth/login")  # literal URL: the login redirect is the contract\n'
    )
    assert [line.split(": ")[1] for line in literal_paths(module)] == ["/admin/users", "/quiz/{n}"]


def test_get_page_takes_an_endpoint_or_a_literal_path(get_page, course_content) -> None:
    slug, module = course_content.slug, course_content.modules[0].slug
    by_endpoint = get_page("learning.course_page", course_slug=slug)
    by_path = get_page(f"/courses/{slug}")  # literal URL: the point of this test
    assert by_endpoint.title.get_text() == by_path.title.get_text()
    assert course_content.title in by_endpoint.title.get_text()
    get_page("learning.module", expected=302, course_slug=slug, module_slug=module)
    with pytest.raises(AssertionError, match="values go with an endpoint"):
        get_page("/", course_slug=slug)  # literal URL: a path cannot take values
