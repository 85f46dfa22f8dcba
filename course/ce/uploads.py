"""Certificate files for self-reported credits: type sniffed from content, stored privately.

Files live outside static/, under CE_UPLOAD_DIR (default: <instance>/uploads), each under a
random name; the learner's file name is never used on disk. Only the owner and admins read
them, always as an attachment.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app

MAX_BYTES = 5 * 1024 * 1024
# Content types we accept, by their leading bytes (never by the name the learner gave).
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)
EXTENSIONS = {mime: ext for _, mime, ext in SIGNATURES}
# Markup in the head of a file means a polyglot a browser might render: refuse it outright.
MARKUP = (b"<html", b"<script", b"<!doctype", b"<svg", b"<body", b"<iframe")


class UploadProblem(ValueError):
    """The uploaded file cannot be accepted; the message says why."""


def max_bytes() -> int:
    """The largest certificate file accepted (CE_UPLOAD_MAX_BYTES, default 5 MB)."""
    return int(current_app.config.get("CE_UPLOAD_MAX_BYTES", MAX_BYTES))


def upload_dir() -> Path:
    """Where certificate files are kept (CE_UPLOAD_DIR, default <instance>/uploads)."""
    configured = current_app.config.get("CE_UPLOAD_DIR")
    return Path(configured or Path(current_app.instance_path) / "uploads")


def sniff(data: bytes) -> str:
    """The content type of a certificate file from its bytes (UploadProblem when refused)."""
    if not data:
        raise UploadProblem("The file is empty.")
    limit = max_bytes()
    if len(data) > limit:
        raise UploadProblem(f"The file is larger than {limit // (1024 * 1024)} MB.")
    mime = next((m for magic, m, _ in SIGNATURES if data.startswith(magic)), None)
    if mime is None:
        raise UploadProblem("The file must be a PDF, PNG or JPEG (its content is neither).")
    head = data[:4096].lower()
    if any(tag in head for tag in MARKUP):
        raise UploadProblem("The file contains web-page markup; upload a plain PDF or image.")
    return mime


def new_name(mime: str) -> str:
    """A random file name for stored content of this type."""
    return f"{secrets.token_hex(16)}.{EXTENSIONS[mime]}"


def path_of(name: str) -> Path:
    """The stored file's path; names are ours (hex + extension), never the learner's."""
    if "/" in name or "\\" in name or name.startswith("."):
        raise UploadProblem("Bad stored file name.")
    return upload_dir() / name


def write(name: str, data: bytes) -> Path:
    """Write a stored file atomically (a temporary name, then rename)."""
    target = path_of(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".part")
    partial.write_bytes(data)
    partial.replace(target)
    return target


def remove(name: str | None) -> None:
    """Delete a stored file if it exists (cleaning up after a failed write)."""
    if name:
        path_of(name).unlink(missing_ok=True)
