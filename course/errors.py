"""Styled error pages (HTML or JSON), with the database session rolled back on a 500."""

from __future__ import annotations

from flask import Flask, Response, g, jsonify, render_template, request
from flask.globals import request_ctx
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from course.extensions import db, login_manager


def wants_json() -> bool:
    """True for API routes and clients that prefer JSON."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def register_error_handlers(app: Flask) -> None:
    """Install handlers for every HTTP error and for unexpected exceptions."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code and exc.code >= 500:
            db.session.rollback()
        if request_ctx.url_adapter is None:
            # The Host header is not one of TRUSTED_HOSTS: answer plainly, build no URLs.
            return Response(f"{exc.code} {exc.name}\n", exc.code, mimetype="text/plain")
        if wants_json():
            return jsonify(error=exc.name, status=exc.code, message=exc.description), exc.code
        return render_template("errors/error.html", error=exc), exc.code

    @app.errorhandler(OperationalError)
    def database_unavailable(exc: OperationalError):
        return _unavailable(app, exc)

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if app.config.get("PROPAGATE_UNHANDLED"):
            raise exc
        if wants_json():
            return jsonify(error="Internal Server Error", status=500), 500
        return render_template("errors/500.html"), 500


def _unavailable(app: Flask, exc: Exception):
    """A styled 503 with Retry-After when the database cannot be reached.

    The page touches no database: the session is discarded without a round trip, and the
    visitor is shown as signed out for this one page so the user loader never runs.
    """
    app.logger.error("Database unavailable on %s %s: %s", request.method, request.path, exc)
    try:
        db.session.rollback()
    except Exception:  # noqa: S110 - the connection is already gone
        pass
    g._login_user = login_manager.anonymous_user()
    retry_after = int(app.config.get("DB_UNAVAILABLE_RETRY_AFTER", 30))
    headers = {"Retry-After": str(retry_after)}
    if wants_json():
        body = jsonify(error="Service Unavailable", status=503, retry_after=retry_after)
        return body, 503, headers
    return render_template("errors/503.html", retry_after=retry_after), 503, headers
