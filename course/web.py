"""Request-wide web concerns: security headers and template helpers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime

from flask import Flask, Response, abort, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from itsdangerous import URLSafeTimedSerializer
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter, Map

from course import clock
from course.dates import human_date, human_datetime, human_time
from course.permissions import nav_links

FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Added to every response that does not set them itself.
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
)
NO_STORE: tuple[tuple[str, str], ...] = (("Cache-Control", "no-store"),)  # not static files


class DatabaseIntConverter(IntegerConverter):
    """`<int:...>` limited to what an INTEGER column holds (2**31 - 1 on PostgreSQL).

    A larger id cannot name any row, so it is a 404 at routing instead of an overflow in the
    database driver (SQLite raises OverflowError past 2**63, PostgreSQL past 2**31).
    """

    def __init__(self, map: Map, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


def register_converters(app: Flask) -> None:
    """Install URL converters; must run before any blueprint adds its rules."""
    app.url_map.converters["int"] = DatabaseIntConverter


def _has_nul(values: Iterable[str]) -> bool:
    return any("\x00" in value for value in values)


def _all_values(multidict: MultiDict[str, str]) -> Iterator[str]:
    return (value for values in multidict.listvalues() for value in values)


def reject_nul_bytes() -> None:
    """Refuse a NUL byte anywhere in the path, query or form with a 400.

    No field legitimately holds one, and PostgreSQL cannot store or even compare it (the
    driver raises before the query runs), so it is stopped before it reaches any code.
    """
    if "\x00" in request.path or "%00" in request.query_string.decode("latin-1").lower():
        abort(400, description="The address contains a NUL byte (%00), which is not allowed.")
    if _has_nul(request.args.keys()) or _has_nul(_all_values(request.args)):
        abort(400, description="A query parameter contains a NUL byte, which is not allowed.")
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in FORM_TYPES:
        for key, values in request.form.lists():
            if "\x00" in key or _has_nul(values):
                name = key.replace("\x00", "\\x00")[:60]
                abort(
                    400, description=f"The field {name} contains a NUL byte, which is not allowed."
                )


def reader_time_zone() -> str | None:
    """The signed-in reader's time zone (a profile setting), else None for UTC."""
    if has_request_context() and current_user.is_authenticated:
        return getattr(current_user, "time_zone", None)
    return None


class SigningSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer built once per secret
    instead of twice per request (open and save)."""

    def __init__(self) -> None:
        self._serializers: dict[tuple[object, ...], URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if key not in self._serializers:
            self._serializers[key] = super().get_signing_serializer(app)
        return self._serializers[key]


def register_web_helpers(app: Flask) -> None:
    """Add security headers to every response and expose helpers to templates."""
    # Registered first (before the extensions' hooks run), so nothing sees a NUL byte.
    app.before_request_funcs.setdefault(None, []).insert(0, reject_nul_bytes)

    app.session_interface = SigningSessionInterface()

    @app.after_request
    def security_headers(response: Response) -> Response:
        # One pass over the headers a view set, then the missing ones in one extend
        # (five setdefault calls would scan the header list five times on every response).
        present = {key.lower() for key, _ in response.headers.items()}
        endpoint = request.endpoint
        no_store = bool(endpoint) and not endpoint.endswith("static")  # type: ignore[union-attr]
        response.headers.extend(
            [
                (key, value)
                for key, value in SECURITY_HEADERS + (NO_STORE if no_store else ())
                if key.lower() not in present
            ]
        )
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
        return {"now_year": clock.now().year, "nav_extra": nav_links}
