"""Admin blueprint (admins only): certificate queue and actions, audit log, users."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__)
