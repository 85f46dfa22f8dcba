"""Every key page is valid HTML, per the Nu HTML Checker (vnu-jar, Java 17)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from course.models import Role
from tests.conftest import url
from tests.quizkit import module_quiz, open_module, start, submit

VNU = Path(__file__).resolve().parents[1] / "tools" / "a11y" / "node_modules" / "vnu-jar"
VNU_JAR = VNU / "build" / "dist" / "vnu.jar"


def vnu_or_skip() -> list[str]:
    """The command that runs the checker; skip (or fail in CI) when it is missing."""
    java = shutil.which("java")
    if VNU_JAR.exists() and java:
        return [java, "-Xss8m", "-jar", str(VNU_JAR)]
    message = (
        "HTML VALIDATION SKIPPED: needs java and vnu-jar (make test runs npm ci in tools/a11y)"
    )
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


def test_key_pages_are_valid_html(client, course_content, make_user, login, tmp_path) -> None:
    command = vnu_or_skip()
    pages: dict[str, str] = {}
    for path in (
        "/",
        "/auth/login",
        "/auth/register",
        "/verify",
        f"/courses/{course_content.slug}",
    ):
        pages[path] = client.get(path).get_data(as_text=True)
    learner = login(make_user())
    open_module(client, course_content)
    quiz = module_quiz(course_content)
    attempt = start(client, quiz)
    # Submitting with nothing answered names the unanswered questions first (#16).
    client.post(url("quiz.answer", attempt_id=attempt.id), data={"action": "submit"})
    pages["unanswered"] = client.get(url("quiz.take", attempt_id=attempt.id, check="1")).get_data(
        as_text=True
    )
    learner_pages = [
        "/dashboard",
        f"/courses/{course_content.slug}/modules/{course_content.modules[0].slug}",
        f"/quiz/{quiz.id}",
        f"/quiz/attempt/{attempt.id}",
        "/auth/profile",
        "/certificates",
        "/account/close",
    ]
    for path in learner_pages:
        pages[path] = client.get(path).get_data(as_text=True)
    submit(client, attempt, False)
    pages["review"] = client.get(url("quiz.review", attempt_id=attempt.id)).get_data(as_text=True)
    client.post(url("auth.logout"))
    login(make_user(role=Role.ADMIN))
    for path in (
        "/instructor/questions",
        "/instructor/import",
        "/instructor/cohort",
        f"/instructor/quizzes/{quiz.id}/analysis",
        "/instructor/questions/1/edit",
        "/admin/",
        "/admin/certificates",
        "/admin/audit",
        "/admin/audit?action=certificate.issue",
        "/admin/users",
        "/admin/users?letter=A&role=learner",
        f"/admin/users/{learner.id}",
        "/admin/users/new",
    ):
        pages[path] = client.get(path).get_data(as_text=True)
    files = {}
    for n, (path, html) in enumerate(pages.items()):
        target = tmp_path / f"page{n:02d}.html"
        target.write_text(html, encoding="utf-8")
        files[str(target)] = path
    # A control page with a known error proves the checker really ran on this batch.
    control = tmp_path / "control.html"
    control.write_text(
        '<!doctype html><html lang="en"><head><title>c</title></head>'
        '<body><p id="x"></p><p id="x"></p></body></html>',
        encoding="utf-8",
    )
    files[str(control)] = "control"
    result = subprocess.run(
        [*command, "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [
        f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}:"
        f"{m.get('lastLine')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert any(e.startswith("control:") and "Duplicate ID" in e for e in errors), errors
    errors = [e for e in errors if not e.startswith("control:")]
    assert not errors, "\n".join(errors)
