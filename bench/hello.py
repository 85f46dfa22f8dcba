"""The baseline: a bare Flask app with one route, served exactly like the real one."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    """Return a constant body."""
    return "hello"
