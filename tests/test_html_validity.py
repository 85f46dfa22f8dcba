"""Every key page is valid HTML, per the Nu HTML Checker (vnu-jar, Java 17)."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

from course.auth.tokens import WELCOME, make_token
from course.models import Role
from tests.conftest import url
from tests.quizkit import module_quiz, open_module, start, submit
from tests.vnukit import nu_errors

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
        f"/instructor/quizzes/{quiz.id}/analysis?sort=-facility",
        f"/instructor/quizzes/{quiz.id}/analysis?sort=bogus",
        f"/instructor/courses/{course_content.slug}/mastery",
        "/instructor/cohort?enrolled_from=31/01/2026",
        f"/instructor/quizzes/{quiz.id}/settings",
        f"/instructor/modules?course={course_content.slug}",
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
    pages["welcome"] = client.get(url("auth.welcome", token=make_token(learner, WELCOME))).get_data(
        as_text=True
    )
    article = (Path(__file__).parent / "content" / "articles" / "markdown.md").read_bytes()
    upload = {"source_file": (io.BytesIO(article), "markdown.md"), "fmt": "auto"}
    pages["article preview"] = client.post(url("instructor.article_preview"), data=upload).get_data(
        as_text=True
    )
    errors = nu_errors(command, pages, tmp_path)
    assert not errors, "\n".join(errors)
