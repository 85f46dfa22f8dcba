"""Bad input never causes a 500: every route, for every role, gets junk forms and queries.

Besides plain junk, each route gets the shapes that have broken apps like this one: integers
beyond 64 bits (in the path, the query and the form), exponent floats (1e100), NUL bytes
(which PostgreSQL refuses outright) and nesting 50,000 deep.
"""

from __future__ import annotations

import io

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter

from course.models import Role
from tests.conftest import PASSWORD, is_postgres
from tests.test_roles import EXPECTED, IGNORED, url_for_endpoint, world  # noqa: F401

JUNK_FORM = {
    "email": "not-an-email",
    "password": "x",
    "full_name": "",
    "hours": "-1.3",
    "code": "';--<script>",
    "reason": "",
    "page": "-5",
    "question_count": "lots",
    "pass_score": "2",
    "objective": "99",
    "references": "1, two, 999",
    "date_from": "2026-13-45",
    "text": "{=a ~b",
    "body": "<script>alert(1)</script>",
    "selected": ["abc", "-1"],
    "q1": ["zzz"],
    "action": "submit",
    "confirm": "nope",
}
# Answers that are 5xx by design: /readyz says 503 because the test schema is not migrated.
DESIGNED_5XX = {"ops.readyz": 503}
JUNK_QUERY = "?page=-1&course=nope&module=%00&tag=%3Cb%3E&status=x&date_from=31-31-31&q=%27"

# Field names the forms use for numbers, so each shape reaches a numeric parser somewhere.
NUMERIC_FIELDS = (
    "page",
    "hours",
    "question_count",
    "pass_score",
    "max_attempts",
    "cooldown_minutes",
    "time_limit_minutes",
    "objective",
    "objectives_met",
    "relevance",
    "min",
    "draw-0-min",
    "role",
    "minutes",
    "position",
)
HUGE = "9223372036854775808"  # 2**63: one past the largest 64-bit integer
DEEP = "[" * 50_000 + "]" * 50_000


def shaped_form(value: str) -> dict[str, object]:
    """Every junk and numeric field set to `value`."""
    return {key: value for key in (*JUNK_FORM, *NUMERIC_FIELDS)}


def shaped_query(value: str) -> str:
    from urllib.parse import quote

    return "?" + "&".join(f"{key}={quote(value)}" for key in (*NUMERIC_FIELDS, "q", "course"))


SHAPES: dict[str, tuple[dict[str, object], str, object]] = {
    # name: (form, query string, replacement for path arguments or None)
    "junk": (JUNK_FORM, JUNK_QUERY, None),
    "huge": (shaped_form(HUGE), shaped_query(HUGE) + "&page=9223372036854775807", 2**63),
    "exponent": (shaped_form("1e100"), shaped_query("1e100"), None),
    "nul": (shaped_form("ok\x00"), shaped_query("ok\x00"), "x\x00"),
    "deep": (
        JUNK_FORM
        | {"text": DEEP, "body": DEEP, "upload-yaml_file": (io.BytesIO(DEEP.encode()), "d.yaml")},
        "?q=" + "%5B" * 2000,
        None,
    ),
}


def shaped_url(app: Flask, endpoint: str, world: dict, replacement: object) -> str:  # noqa: F811
    """The endpoint's URL, its int (or string) path arguments replaced by the shape's value."""
    if replacement is None:
        return url_for_endpoint(app, endpoint, world)
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = dict(world)
    for name in rule.arguments:
        is_int = isinstance(rule._converters[name], IntegerConverter)
        if isinstance(replacement, int) == is_int:
            values[name] = replacement
    return url_for_endpoint(app, endpoint, values)


def _sweep(app: Flask, world, make_user, role: str, shape: str) -> list[str]:  # noqa: F811
    form, query, replacement = SHAPES[shape]
    server_errors = []
    for endpoint, (method, *_) in sorted(EXPECTED.items()):
        client = app.test_client()
        if role != "anonymous":
            user = make_user(role=Role(role))
            client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
        url = shaped_url(app, endpoint, world, replacement)
        data = {
            k: (io.BytesIO(v[0].getvalue()), v[1]) if isinstance(v, tuple) else v
            for k, v in form.items()
        }
        try:
            if method == "POST":
                response = client.post(url, data=data)
            else:
                response = client.get(url + query)
                if endpoint.startswith(("instructor.", "admin.")):
                    response = client.post(url, data=data)  # forms on GET pages post back
        except Exception as exc:
            server_errors.append(f"{role} {shape} {method} {url[:80]}: {type(exc).__name__}: {exc}")
            continue
        if response.status_code >= 500 and DESIGNED_5XX.get(endpoint) != response.status_code:
            server_errors.append(f"{role} {shape} {method} {url[:80]} -> {response.status_code}")
    return server_errors


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("role", ["anonymous", "learner", "instructor", "admin"])
def test_no_route_answers_junk_with_a_500(app: Flask, world, make_user, role, shape) -> None:  # noqa: F811
    app.config["PROPAGATE_UNHANDLED"] = True  # surface the exception itself, not a 500 page
    server_errors = _sweep(app, world, make_user, role, shape)
    assert not server_errors, "\n".join(server_errors)


@pytest.mark.parametrize(
    "path", ["/courses/ketamine%00", "/api/v1/courses/ketamine%00", "/verify/PRX%00", "/?q=%00"]
)
def test_nul_byte_is_a_clean_400_even_anonymously(client, path: str) -> None:
    # On PostgreSQL (TEST_DATABASE_URL) this used to raise inside the driver: a 500.
    response = client.get(path)
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)


def test_nul_byte_in_a_form_is_refused(client, make_user) -> None:
    user = make_user()
    response = client.post("/auth/login", data={"email": user.email + "\x00", "password": PASSWORD})
    assert response.status_code == 400
    assert is_postgres() or response.status_code == 400
