"""The real app for gunicorn, with rate limiting off (wrk sends thousands of requests a second).

Everything else comes from the environment: PRACTICUM_ENV, SECRET_KEY, DATABASE_URL.
"""

from course import create_app

app = create_app({"RATELIMIT_ENABLED": False})
