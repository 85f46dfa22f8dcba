"""Certificates blueprint: learner steps (evaluation, attestation), downloads, public verify."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("certificates", __name__)
