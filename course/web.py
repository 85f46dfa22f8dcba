"""Request-wide web concerns: security headers and template helpers."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, Response, has_request_context, request
from flask_login import current_user

from course import clock
from course.dates import human_date, human_datetime, human_time

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def nav_extra(app: Flask, user) -> list[tuple[str, str]]:  # noqa: ANN001
    """Links to the staff and learner areas this user may open (only those that exist)."""
    links = []
    if getattr(user, "role", None) == "learner":
        links += [("certificates.mine", "My certificates")]
    if getattr(user, "is_staff", False):
        links += [
            ("ce.staff_home", "Staff home"),
            ("instructor.questions", "Question bank"),
            ("instructor.imports", "Import"),
            ("instructor.modules", "Modules"),
            ("instructor.cohort", "Cohort"),
        ]
    if getattr(user, "role", None) == "admin":
        # The admin home links to the staff home, so one "home" link is enough.
        links = [("admin.home", "Admin home") if e == "ce.staff_home" else (e, t) for e, t in links]
        links += [
            ("admin.certificates", "Certificates"),
            ("admin.audit", "Audit log"),
            ("admin.users", "Users"),
        ]
    return [(e, label) for e, label in links if e in app.view_functions]


def reader_time_zone() -> str | None:
    """The signed-in reader's time zone (a profile setting), else None for UTC."""
    if has_request_context() and current_user.is_authenticated:
        return getattr(current_user, "time_zone", None)
    return None


def register_web_helpers(app: Flask) -> None:
    """Add security headers to every response and expose helpers to templates."""

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.endpoint and not request.endpoint.endswith("static"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.template_filter("date")
    def format_date(value: datetime | date | str | None, fmt: str | None = None) -> str:
        if fmt is not None and isinstance(value, datetime | date):
            return value.strftime(fmt)  # an explicit format, e.g. ISO dates in a data table
        return human_date(value, reader_time_zone())

    @app.template_filter("datetime")
    def format_datetime(value: datetime | str | None) -> str:
        return human_datetime(value, reader_time_zone())

    @app.template_filter("time")
    def format_time(value: datetime | None) -> str:
        return human_time(value, reader_time_zone())

    @app.template_filter("pct")
    def format_pct(value: float | None) -> str:
        return "–" if value is None else f"{round(value * 100)}%"

    @app.context_processor
    def inject_globals() -> dict[str, object]:
        return {"now_year": clock.now().year, "nav_extra": lambda user: nav_extra(app, user)}
