"""The instructor blueprint object, on its own so that views import it without a cycle."""

from flask import Blueprint

bp = Blueprint("instructor", __name__)
