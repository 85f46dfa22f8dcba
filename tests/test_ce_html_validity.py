"""The #14 CE pages are valid HTML too (Nu HTML Checker, as tests/test_html_validity.py)."""

from __future__ import annotations

from datetime import date

from course.models import Role
from tests.cekit import certificate, claim, cohort, course
from tests.conftest import url
from tests.test_html_validity import vnu_or_skip
from tests.vnukit import nu_errors


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
    errors = nu_errors(command, pages, tmp_path)
    assert not errors, "\n".join(errors)
