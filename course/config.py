"""Configuration: defaults live here, secrets come from the environment or instance/config.py."""

from __future__ import annotations

import os
from collections.abc import Mapping
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
    # argon2id parameters (RFC 9106 "second recommended" profile, low-memory).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = True
    CONTENT_DIR = "modules"
    QUIZ_DIR = "quizzes"
    # Absolute base URL used in QR codes and credentials; falls back to the request host.
    PUBLIC_BASE_URL: str | None = None
    # When set (e.g. "practicum.example.org"), credentials are issued as did:web.
    DID_WEB_DOMAIN: str | None = None
    CREATE_DEMO_USERS = False
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # Proxies in front of the app whose X-Forwarded-For/-Proto we trust (ProxyFix); 0: none.
    TRUSTED_PROXY_HOPS = 0


class DevelopmentConfig(BaseConfig):
    """Local development: demo accounts, debug-friendly defaults."""

    SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - replaced in production by the environment
    CREATE_DEMO_USERS = True


class TestingConfig(BaseConfig):
    """Tests: in-memory-ish database, cheap password hashing, no CSRF unless a test asks."""

    TESTING = True
    SECRET_KEY = "testing-secret"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    ARGON2_PARALLELISM = 1
    RATELIMIT_ENABLED = False
    SERVER_NAME = "localhost"


class ProductionConfig(BaseConfig):
    """Production: everything secret must come from outside."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


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
    "TRUSTED_PROXY_HOPS",
    "CE_UPLOAD_DIR",
)


def load_config(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Fill app.config from defaults, instance/config.py, the environment, then overrides."""
    env = (overrides or {}).get("ENV_NAME") or os.environ.get(ENV_VAR, "production")
    if env not in CONFIGS:
        raise RuntimeError(f"{ENV_VAR} must be one of {sorted(CONFIGS)}, not {env!r}")
    app.config.from_object(CONFIGS[env])
    app.config["ENV_NAME"] = env
    app.config.from_pyfile("config.py", silent=True)
    for key in ENV_KEYS:
        if os.environ.get(key):
            app.config[key] = os.environ[key]
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
