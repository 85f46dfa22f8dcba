"""Practicum: an online training platform for clinicians."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from course.config import load_config

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create and wire the application; no database writes, prompts or network calls here."""
    app = Flask(
        __name__,
        instance_path=instance_path(),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    load_config(app, config)
    from course.web import register_converters

    register_converters(app)
    _init_extensions(app)
    _register_blueprints(app)
    from course.dbsetup import declare_writes

    declare_writes(app)
    _register_hooks(app)
    return app


def instance_path() -> str:
    """Return the instance folder: PRACTICUM_INSTANCE_PATH if set, else the checkout's instance/."""
    return os.environ.get("PRACTICUM_INSTANCE_PATH") or str(ROOT / "instance")


def _init_extensions(app: Flask) -> None:
    """Bind the unbound singletons from extensions.py to this app."""
    from course import audit, models  # noqa: F401 - mappers, and the audit chain's hook
    from course.extensions import bootstrap, csrf, db, limiter, login_manager, mail, migrate
    from course.tasks import init_tasks

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    bootstrap.init_app(app)
    mail.init_app(app)
    init_tasks(app)
    from course.auth.throttle import check_storage

    check_storage(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.login_message = "Please sign in to open this page."
    login_manager.session_protection = "strong"

    from course.dbsetup import configure_engines

    configure_engines(app)

    from course.auth.sessions import settle_anonymous_visitor

    app.before_request(settle_anonymous_visitor)

    @login_manager.user_loader
    def load_user(token: str):
        from course.auth.sessions import load_session_user
        from course.dbsetup import request_writes

        return load_session_user(token, writing=request_writes())


def _register_blueprints(app: Flask) -> None:
    """Mount each feature blueprint."""
    from course.account.views import bp as account_bp
    from course.admin.routes import bp as admin_bp
    from course.api.views import bp as api_bp
    from course.auth.routes import bp as auth_bp
    from course.ce.routes import bp as ce_bp
    from course.certificates.views import bp as cert_bp
    from course.instructor import bp as instructor_bp
    from course.learning.views import bp as learning_bp
    from course.quiz.views import bp as quiz_bp

    app.register_blueprint(learning_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(quiz_bp, url_prefix="/quiz")
    app.register_blueprint(cert_bp)
    app.register_blueprint(instructor_bp, url_prefix="/instructor")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(account_bp, url_prefix="/account")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(ce_bp)


def _register_hooks(app: Flask) -> None:
    """Error pages, security headers, template helpers and CLI commands."""
    from course.cli import register_cli
    from course.errors import register_error_handlers
    from course.ops import register_ops
    from course.web import register_web_helpers

    register_error_handlers(app)
    register_web_helpers(app)
    register_cli(app)
    register_ops(app)
