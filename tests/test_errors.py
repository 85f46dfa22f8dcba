"""Styled error pages; a 500 rolls back whatever the request had written."""

from __future__ import annotations

from sqlalchemy import func, select

from course.extensions import db
from course.models import User
from course.web import CSP
from tests.conftest import url


def test_404_is_styled(client, get_page) -> None:
    soup = get_page("/no/such/page", expected=404)
    assert "could not find" in soup.get_text()
    assert soup.find("a", href="/")


def test_403_is_styled(client, make_user, login, app) -> None:
    from course.models import Role
    from course.permissions import admin_required

    @app.route("/__admin_only")
    @admin_required
    def admin_only() -> str:
        return "secret"

    login(make_user(role=Role.LEARNER))
    response = client.get("/__admin_only")
    assert response.status_code == 403
    assert "do not have permission" in response.get_data(as_text=True)


def test_api_errors_are_json(client) -> None:
    response = client.get("/api/v1/me/progress")
    assert response.status_code == 401
    assert response.get_json()["status"] == 401
    missing = client.get("/api/v1/courses/nope")
    assert missing.status_code == 404
    assert missing.get_json()["error"] == "Not Found"


def test_500_rolls_back_the_request(app, client, make_user) -> None:
    make_user()

    @app.route("/__boom")
    def boom() -> str:
        db.session.add(User(email="half@example.org", full_name="Half Saved", password_hash="x"))
        db.session.flush()
        raise RuntimeError("simulated crash")

    response = client.get("/__boom")
    assert response.status_code == 500
    assert "Nothing you submitted was half-saved" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id)).where(User.email.like("half%"))) == 0


def test_security_headers(client) -> None:
    response = client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_cdn_and_no_inline_script(client, course_content) -> None:
    html = client.get(f"/courses/{course_content.slug}").get_data(as_text=True)
    assert "cdn" not in html.lower()
    assert "<script>" not in html
    assert "/bootstrap/static/css/bootstrap" in html


def test_every_response_carries_each_security_header_once(client) -> None:
    page = client.get(url("learning.catalog"))
    for name, value in (
        ("Content-Security-Policy", CSP),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Cache-Control", "no-store"),
    ):
        assert page.headers.getlist(name) == [value], name
    static = client.get(url("static", filename="css/app.css"))
    assert static.status_code == 200
    assert static.headers.getlist("X-Frame-Options") == ["DENY"]
    assert "no-store" not in static.headers.get("Cache-Control", "")  # files may be cached
    static.close()
