"""Public URLs for things that leave the site: credentials, QR codes, status lists, API links.

They are built from PUBLIC_BASE_URL alone, never from the request's Host header, so a forged
Host cannot steer a signed URL (DESIGN.md rule 18). Outside production, where the base URL
may be unset, it falls back to SERVER_NAME, then to the development server's address.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app

DEV_BASE_URL = "http://127.0.0.1:5000"


def public_base_url() -> str:
    """The configured public base URL, without a trailing slash."""
    config = current_app.config
    base = config.get("PUBLIC_BASE_URL")
    if not base and config.get("SERVER_NAME"):
        base = f"{config.get('PREFERRED_URL_SCHEME') or 'http'}://{config['SERVER_NAME']}"
    return str(base or DEV_BASE_URL).rstrip("/")


def public_url(endpoint: str, **values: object) -> str:
    """An absolute URL for `endpoint` under the public base URL (needs an app context only)."""
    parts = urlsplit(public_base_url())
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def check_base_url(value: str) -> str:
    """Validate PUBLIC_BASE_URL (absolute http(s), no query or fragment); return its host."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise RuntimeError(
            f"PUBLIC_BASE_URL must be an absolute http(s) URL such as https://practicum.example.org,"
            f" not {value!r}"
        )
    return parts.hostname
