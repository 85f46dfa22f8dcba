"""The #14 CE pages are valid HTML too (Nu HTML Checker, as tests/test_html_validity.py)."""

from __future__ import annotations

import json
import subprocess
from datetime import date

from course.models import Role
from tests.cekit import certificate, claim, cohort, course
from tests.conftest import url
from tests.test_html_validity import vnu_or_skip


def test_ce_pages_are_valid_html(client, db, course_content, make_user, login, tmp_path) -> None:
    command = vnu_or_skip()
    sepsis = course("sepsis")
    flagged = cohort(sepsis, 2)[1]
    flagged.birth_day = None
    learner = make_user(full_name="Zoë Łukasiewicz-Núñez")
    certificate(learner, course_content, date(2026, 2, 1), [claim("ama_pra_1", "AMA", 1.5)])
    db.session.commit()
    pages: dict[str, str] = {}
    login(learner)
    for path in ("/transcript", "/transcript/credits/new", "/ce/identifiers"):
        pages[path] = client.get(path).get_data(as_text=True)
    client.post(url("auth.logout"))
    login(make_user(role=Role.ADMIN))
    for path in (
        f"/ce/learners/{learner.id}/transcript",
        f"/ce/learners/{flagged.id}/identifiers",
        "/ce/reports",
        "/ce/reports/sepsis/pars",
        "/ce/reports/sepsis/cebroker",
        "/ce/reports/activities",
        f"/ce/outcomes/{course_content.slug}",
    ):
        pages[path] = client.get(path).get_data(as_text=True)
    files = {}
    for n, (path, html) in enumerate(pages.items()):
        target = tmp_path / f"page{n:02d}.html"
        target.write_text(html, encoding="utf-8")
        files[str(target)] = path
    control = tmp_path / "control.html"  # a known error proves the checker really ran
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
    assert any(e.startswith("control:") for e in errors), errors
    errors = [e for e in errors if not e.startswith("control:")]
    assert not errors, "\n".join(errors)
