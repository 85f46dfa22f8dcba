"""gunicorn settings for Practicum behind nginx: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Every value can be overridden from the environment (GUNICORN_BIND, WEB_CONCURRENCY,
FORWARDED_ALLOW_IPS, PRACTICUM_LOG_FORMAT). Plain sync workers are right only behind a buffering
proxy: nginx reads each slow request and response in full, so a slow client never holds a worker.
Never expose these workers directly to the internet.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course.config import DB_BUSY_TIMEOUT  # noqa: E402 - after the path is set

wsgi_app = "wsgi:app"
chdir = str(ROOT)
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# A request waiting on a database lock gives up after DB_BUSY_TIMEOUT seconds; the worker gets
# that long plus a margin, so it answers (error or not) before gunicorn kills it.
timeout = DB_BUSY_TIMEOUT + 15
graceful_timeout = DB_BUSY_TIMEOUT
keepalive = 5  # nginx keeps upstream connections open (keepalive in the upstream block)
max_requests = 2000  # recycle workers now and then; jitter so they do not all restart at once
max_requests_jitter = 200
# Only the proxy may set X-Forwarded-*; the app applies them with ProxyFix (TRUSTED_PROXY_HOPS).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips
# One control socket per instance (several share a machine in `make cluster`); none by default.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'

_json = os.environ.get("PRACTICUM_LOG_FORMAT") == "json" or (
    os.environ.get("PRACTICUM_ENV", "production") == "production"
    and os.environ.get("PRACTICUM_LOG_FORMAT") != "text"
)
_formatter = "json" if _json else "text"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "course.ops.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "course.ops.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": _formatter,
            "filters": ["request_id"],
        }
    },
    "root": {"level": "INFO", "handlers": ["stdout"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
    },
}


def when_ready(server) -> None:
    """Warn when rate limits would be counted per worker instead of shared."""
    storage = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    if storage.startswith("memory") and workers > 1:
        server.log.warning(
            "RATELIMIT_STORAGE_URI is %s: each of the %d workers counts its own limits; "
            "set it to redis://... to share them",
            storage,
            workers,
        )
