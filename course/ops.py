"""Operations: ProxyFix, a request id on every response and log line, JSON logs, and the
/healthz and /readyz probes that load balancers use.

Production logging is configured by gunicorn.conf.py (``logconfig_dict``), which uses the
:class:`RequestIdFilter` and :class:`JsonFormatter` defined here.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from datetime import UTC, datetime
from functools import lru_cache

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, Response, current_app, g, has_request_context, jsonify, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

from course.extensions import db, limiter

REQUEST_ID_HEADER = "X-Request-Id"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
ACCESS_ID_ATOM = "{x-request-id}o"  # gunicorn access-log atom: the response's X-Request-Id

bp = Blueprint("ops", __name__)


def register_ops(app: Flask) -> None:
    """Trust TRUSTED_PROXY_HOPS proxies, tag every request with an id, mount the probes."""
    hops = int(app.config.get("TRUSTED_PROXY_HOPS") or 0)
    if hops:
        # The client address and scheme come from the proxy; the Host never does (DESIGN 18).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    app.before_request(_assign_request_id)
    app.after_request(_send_request_id)
    app.register_blueprint(bp)


def _assign_request_id() -> None:
    """Keep a trusted proxy's X-Request-Id when it looks like one, else make a fresh id."""
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    behind_proxy = bool(current_app.config.get("TRUSTED_PROXY_HOPS"))
    g.request_id = incoming if behind_proxy and _SAFE_ID.match(incoming) else uuid.uuid4().hex


def _send_request_id(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = g.get("request_id") or uuid.uuid4().hex
    return response


def current_request_id() -> str | None:
    """The id of the request being served, if any."""
    return g.get("request_id") if has_request_context() else None


class RequestIdFilter(logging.Filter):
    """Put ``request_id`` on every record: from the request, or from a gunicorn access line."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Annotate the record; never drop it."""
        rid = current_request_id()
        if rid is None and isinstance(record.args, dict):
            rid = record.args.get(ACCESS_ID_ATOM)
        record.request_id = rid if rid and rid != "-" else "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, request id, message (and the error)."""

    def format(self, record: logging.LogRecord) -> str:
        """Serialise one record."""
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "msg": record.getMessage(),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


@lru_cache(maxsize=4)
def migration_heads(directory: str) -> frozenset[str]:
    """The head revisions of the committed migrations."""
    config = Config()
    config.set_main_option("script_location", directory)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


@bp.route("/healthz")
@limiter.exempt
def healthz() -> Response:
    """Say the process is up (anyone; for load balancers)."""
    return jsonify(status="ok")


@bp.route("/readyz")
@limiter.exempt
def readyz() -> tuple[Response, int]:
    """Say whether the database answers and its schema is at the migrations' head (anyone)."""
    try:
        applied = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database=False, migrations=False), 503
    heads = migration_heads(current_app.extensions["migrate"].directory)
    if applied != heads:
        return jsonify(status="migrations pending", database=True, migrations=False), 503
    return jsonify(status="ok", database=True, migrations=True), 200
