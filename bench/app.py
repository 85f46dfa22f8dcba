"""The real app for gunicorn, with rate limiting off (wrk sends thousands of requests a second).

Everything else comes from the environment: PRACTICUM_ENV, SECRET_KEY, DATABASE_URL. The one
addition is the benchmark's empty signed-in page (bench/floor.py), which `signed_floor` measures.
"""

from bench.floor import add_signed_floor
from course import create_app

# Production cookies are named __Host-session; wrk and the bench client speak plain http on
# loopback and send the cookie as `session`, so the name (and only the name) is changed here.
app = create_app({"RATELIMIT_ENABLED": False, "SESSION_COOKIE_NAME": "session"})
add_signed_floor(app)
