"""WSGI entry point: `gunicorn wsgi:app`."""

from course import create_app

app = create_app()
