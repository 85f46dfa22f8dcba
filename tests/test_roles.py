"""Role-by-route matrix generated from app.url_map: no route can escape authorization review.

Every endpoint must appear in EXPECTED; each cell is the status for anonymous, learner,
instructor and admin. "login" means a redirect to the sign-in page. Feature areas add their
rows in tests/roles/<feature>.py (ROWS, and optionally extend_world(world, db, make_user)
to create the objects their URLs need).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from flask import Flask

from course import clock
from course.learning.services import enroll, record_view
from course.models import Role
from course.quiz.services import start_attempt
from tests.conftest import PASSWORD

ROLES = ("anonymous", "learner", "instructor", "admin")
# endpoint: (method, anonymous, learner, instructor, admin)
EXPECTED: dict[str, tuple[str, object, object, object, object]] = {
    "learning.catalog": ("GET", 200, 200, 200, 200),
    "learning.course_page": ("GET", 200, 200, 200, 200),
    "learning.enroll_course": ("POST", "login", 302, 302, 302),
    "learning.module": ("GET", "login", 302, 200, 200),
    "learning.complete": ("POST", "login", 404, 404, 404),
    "learning.dashboard": ("GET", "login", 200, 200, 200),
    "auth.register": ("GET", 200, 302, 302, 302),
    "auth.login": ("GET", 200, 302, 302, 302),
    "auth.logout": ("POST", "login", 302, 302, 302),
    "auth.profile": ("GET", "login", 200, 200, 200),
    "auth.change_password": ("POST", "login", 400, 400, 400),
    "quiz.overview": ("GET", "login", 200, 200, 200),
    "quiz.start": ("POST", "login", 302, 302, 302),
    "quiz.take": ("GET", "login", 404, 404, 404),
    "quiz.answer": ("POST", "login", 404, 404, 404),
    "quiz.review": ("GET", "login", 404, 404, 404),
    "api.courses": ("GET", 200, 200, 200, 200),
    "api.course": ("GET", 200, 200, 200, 200),
    "api.my_progress": ("GET", 401, 200, 200, 200),
    "api.attempt": ("GET", 401, 404, 404, 404),
}
IGNORED = {"static", "bootstrap.static"}
FEATURES = [
    importlib.import_module(f"tests.roles.{p.stem}")
    for p in sorted((Path(__file__).parent / "roles").glob("*.py"))
    if p.stem != "__init__"
]
for _feature in FEATURES:
    overlap = set(_feature.ROWS) & set(EXPECTED)
    assert not overlap, f"{_feature.__name__} redefines {overlap}"
    EXPECTED.update(_feature.ROWS)


@pytest.fixture
def world(app: Flask, db, course_content, make_user):
    """A course, and an attempt owned by a learner who is none of the matrix's users."""
    owner = make_user()
    enroll(owner.id, course_content)
    first = course_content.modules[0]
    record_view(owner.id, first)
    db.session.commit()
    quiz = next(q for q in course_content.quizzes if q.module_id == first.id)
    attempt = start_attempt(owner.id, quiz, clock.now())
    db.session.commit()
    world = {
        "course_slug": course_content.slug,
        "module_slug": first.slug,
        "quiz_id": quiz.id,
        "attempt_id": attempt.id,
        "slug": course_content.slug,
        "course": course_content,
        "owner": owner,
    }
    for feature in FEATURES:
        if hasattr(feature, "extend_world"):
            feature.extend_world(world, db, make_user)
    return world


def url_for_endpoint(app: Flask, endpoint: str, values: dict[str, object]) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    args = {name: values[name] for name in rule.arguments}
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **args)


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    endpoints = {r.endpoint for r in app.url_map.iter_rules()} - IGNORED
    missing = endpoints - set(EXPECTED)
    stale = set(EXPECTED) - endpoints
    assert not missing, f"add these endpoints to the role matrix: {sorted(missing)}"
    assert not stale, f"remove these endpoints from the matrix: {sorted(stale)}"


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(app: Flask, world, make_user, role: str) -> None:
    failures = []
    for endpoint, (method, *expected_by_role) in sorted(EXPECTED.items()):
        # A fresh client and user per cell, so no request's effects leak into the next.
        client = app.test_client()
        if role != "anonymous":
            user = make_user(role=Role(role))
            response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
            assert response.status_code == 302
        expected = expected_by_role[ROLES.index(role)]
        url = url_for_endpoint(app, endpoint, world)
        response = client.post(url, data={}) if method == "POST" else client.get(url)
        if expected == "login":
            ok = response.status_code == 302 and "/auth/login" in response.headers["Location"]
        else:
            ok = response.status_code == expected
        if not ok:
            failures.append(f"{role} {method} {url} -> {response.status_code}, want {expected}")
    assert not failures, "\n".join(failures)
