"""Configuration: defaults live here, secrets come from the environment or instance/config.py."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import Flask

# Which environment we run in: development, testing or production.
ENV_VAR = "PRACTICUM_ENV"
# Seconds a request waits for a database lock before failing (gunicorn's timeout is longer).
DB_BUSY_TIMEOUT = 30


class BaseConfig:
    """Defaults shared by every environment."""

    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI = "sqlite:///practicum.db"  # resolved under instance/
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}
    SQLALCHEMY_RECORD_QUERIES = False
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    BOOTSTRAP_SERVE_LOCAL = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Sessions end 12 hours after sign-in, or 30 days with "keep me signed in"; both are
    # also enforced server-side from the UserSession row (course.auth.sessions).
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    REMEMBER_COOKIE_REFRESH_EACH_REQUEST = False
    # argon2id parameters (RFC 9106 "second recommended" profile, low-memory).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = True
    CONTENT_DIR = "modules"
    QUIZ_DIR = "quizzes"
    # Absolute base URL of every link that leaves the site (credentials, QR codes, status
    # lists, API, email). Required in production; never taken from the Host header.
    PUBLIC_BASE_URL: str | None = None
    # Host names the app answers to; in production defaults to PUBLIC_BASE_URL's host.
    TRUSTED_HOSTS: list[str] | None = None
    # When set (e.g. "practicum.example.org"), credentials are issued as did:web.
    DID_WEB_DOMAIN: str | None = None
    # The signed revocation list expires (validUntil) this long after it is served, and
    # verifiers are told to refetch it after STATUS_LIST_MAX_AGE_SECONDS.
    STATUS_LIST_TTL_SECONDS = 3600
    STATUS_LIST_MAX_AGE_SECONDS = 300
    # Retry-After on the 503 page shown while the database is unreachable.
    DB_UNAVAILABLE_RETRY_AFTER = 30
    # Email (Flask-Mailman): SMTP settings come from the environment (MAIL_*).
    MAIL_BACKEND = "smtp"
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_TIMEOUT = 10
    MAIL_DEFAULT_SENDER = "Practicum <no-reply@practicum.invalid>"
    # Roles that must sign in with a second factor (TOTP); production: admins, instructors.
    MFA_REQUIRED_ROLES: tuple[str, ...] = ()
    # Issuing, revoking, reissuing certificates and changing roles need a sign-in or a
    # re-authentication this recent.
    STEP_UP_MINUTES = 10
    # Audit every sign-in, failed sign-in and sign-out (always on outside tests).
    AUDIT_SIGN_INS = True
    # Background tasks (course.tasks): immediate runs them in-process at once.
    HUEY_IMMEDIATE = False
    CREATE_DEMO_USERS = False
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # Proxies in front of the app whose X-Forwarded-For/-Proto we trust (ProxyFix); 0: none.
    TRUSTED_PROXY_HOPS = 0


class DevelopmentConfig(BaseConfig):
    """Local development: demo accounts, debug-friendly defaults."""

    SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - replaced in production by the environment
    CREATE_DEMO_USERS = True
    MAIL_BACKEND = "console"  # emails are printed where `make run` runs
    HUEY_IMMEDIATE = True


class TestingConfig(BaseConfig):
    """Tests: an in-memory database and cheap password hashing; CSRF stays on, as in production
    (the test client sends real tokens)."""

    TESTING = True
    SECRET_KEY = "testing-secret"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    ARGON2_PARALLELISM = 1
    RATELIMIT_ENABLED = False
    SERVER_NAME = "localhost"
    MAIL_BACKEND = "locmem"  # mail tests point MAIL_BACKEND=smtp at a real aiosmtpd server
    # Off so feature tests count only their own audit entries; test_audit_chain turns it on.
    AUDIT_SIGN_INS = False
    # Tests travel months in time while signed in; test_sessions checks the 12-hour expiry.
    PERMANENT_SESSION_LIFETIME = timedelta(days=3650)
    HUEY_IMMEDIATE = True


class ProductionConfig(BaseConfig):
    """Production: everything secret must come from outside."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    # __Host- cookies are bound to this exact host, HTTPS and path "/": no subdomain can set
    # or overwrite them.
    MFA_REQUIRED_ROLES = ("admin", "instructor")
    SESSION_COOKIE_NAME = "__Host-session"
    REMEMBER_COOKIE_NAME = "__Host-remember"


CONFIGS: dict[str, type[BaseConfig]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

# Settings that may be supplied through environment variables of the same name.
ENV_KEYS = (
    "SECRET_KEY",
    "PUBLIC_BASE_URL",
    "DID_WEB_DOMAIN",
    "RATELIMIT_STORAGE_URI",
    "CERTIFICATE_KEYS_DIR",
    "CERTIFICATE_ISSUER_NAME",
    "CERTIFICATE_SIGNATORY_NAME",
    "CERTIFICATE_SIGNATORY_TITLE",
    "MAIL_BACKEND",
    "MAIL_SERVER",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_DEFAULT_SENDER",
    "TRUSTED_PROXY_HOPS",
    "CE_UPLOAD_DIR",
)
# Settings read from the environment and converted: integers and on/off switches.
ENV_INTS = ("MAIL_PORT", "MAIL_TIMEOUT", "STATUS_LIST_TTL_SECONDS")
ENV_FLAGS = ("MAIL_USE_TLS", "MAIL_USE_SSL", "HUEY_IMMEDIATE")


def load_config(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Fill app.config from defaults, instance/config.py, the environment, then overrides."""
    env = (overrides or {}).get("ENV_NAME") or os.environ.get(ENV_VAR, "production")
    if env not in CONFIGS:
        raise RuntimeError(f"{ENV_VAR} must be one of {sorted(CONFIGS)}, not {env!r}")
    app.config.from_object(CONFIGS[env])
    app.config["ENV_NAME"] = env
    app.config.from_pyfile("config.py", silent=True)
    _from_environment(app)
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(os.environ["DATABASE_URL"])
    if overrides:
        app.config.update(overrides)
    app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(app.config["SQLALCHEMY_DATABASE_URI"])
    _engine_options(app)
    if env == "production" and not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "SECRET_KEY must be set (environment or instance/config.py) in production"
        )
    _public_base_url(app, env)


def _public_base_url(app: Flask, env: str) -> None:
    """Require PUBLIC_BASE_URL in production and trust only its host (plus TRUSTED_HOSTS)."""
    from course.urls import check_base_url

    base = app.config.get("PUBLIC_BASE_URL")
    if os.environ.get("TRUSTED_HOSTS"):
        app.config["TRUSTED_HOSTS"] = [h.strip() for h in os.environ["TRUSTED_HOSTS"].split(",")]
    if not base:
        if env == "production":
            raise RuntimeError(
                "set PUBLIC_BASE_URL in production (e.g. https://practicum.example.org):"
                " credentials and QR codes are built from it, never from the Host header"
            )
        return
    host = check_base_url(str(base))
    if env == "production" and not app.config.get("TRUSTED_HOSTS"):
        app.config["TRUSTED_HOSTS"] = [host]


def _from_environment(app: Flask) -> None:
    """Copy the settings the environment supplies, converting numbers and switches."""
    for key in ENV_KEYS:
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    for key in ENV_INTS:
        if os.environ.get(key):
            app.config[key] = int(os.environ[key])
    for key in ENV_FLAGS:
        if os.environ.get(key):
            app.config[key] = os.environ[key].lower() in ("1", "true", "yes", "on")


def _normalise_db_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the common short forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _engine_options(app: Flask) -> None:
    """Give SQLite a busy timeout so concurrent writers wait instead of failing at once."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if url.startswith("sqlite"):
        options.setdefault("connect_args", {"timeout": DB_BUSY_TIMEOUT})
    else:
        options.setdefault("pool_pre_ping", True)
        ms = DB_BUSY_TIMEOUT * 1000
        options.setdefault("connect_args", {"options": f"-c lock_timeout={ms}"})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
