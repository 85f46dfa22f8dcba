"""permissions.py owns the navigation rules, staff preview and the API's login check."""

from __future__ import annotations

from flask import url_for
from flask_login import AnonymousUserMixin

from course.models import Role
from course.permissions import nav_links, staff_preview


def endpoints(user) -> list[str]:
    return [endpoint for endpoint, _ in nav_links(user)]


def test_each_role_sees_its_own_areas(db, make_user) -> None:
    assert endpoints(AnonymousUserMixin()) == []
    assert endpoints(make_user(role=Role.LEARNER)) == ["certificates.mine"]
    assert endpoints(make_user(role=Role.INSTRUCTOR)) == [
        "ce.staff_home",
        "instructor.questions",
        "instructor.imports",
        "instructor.modules",
        "instructor.cohort",
    ]
    assert endpoints(make_user(role=Role.ADMIN)) == [
        "admin.home",
        "instructor.questions",
        "instructor.imports",
        "instructor.modules",
        "instructor.cohort",
        "admin.certificates",
        "admin.audit",
        "admin.users",
    ]


def test_every_nav_link_names_a_real_view(app, db, make_user) -> None:
    """Why the old view_functions filter was dead: every endpoint exists."""
    for role in Role:
        for endpoint in endpoints(make_user(role=role)):
            assert endpoint in app.view_functions, endpoint


def test_the_menu_shows_the_role_links(db, make_user, login, get_page) -> None:
    login(make_user(role=Role.INSTRUCTOR))
    links = {a["href"] for a in get_page("learning.catalog").select("nav a")}
    assert "/instructor/questions" in links
    assert "/admin/users" not in links


def test_staff_preview_is_for_signed_in_staff(db, make_user) -> None:
    assert not staff_preview(AnonymousUserMixin())
    assert not staff_preview(make_user(role=Role.LEARNER))
    assert staff_preview(make_user(role=Role.INSTRUCTOR))
    assert staff_preview(make_user(role=Role.ADMIN))


def test_the_api_answers_anonymous_callers_with_json_401(db, client) -> None:
    assert client.get(url_for("api.courses")).status_code == 200
    for address in (url_for("api.my_progress"), url_for("api.attempt", attempt_id=1)):
        response = client.get(address)
        assert response.status_code == 401
        assert response.json["status"] == 401
