"""Sign-in throttling that counts per account as well as per IP, and a 429 that helps.

Failed attempts are what count: a busy clinic behind one NAT address, whose staff mostly type
their passwords right, is not locked out by its own successes, and an attacker spraying many
addresses still meets the per-account budget. Registration counts only accounts created.
"""

from __future__ import annotations

import hashlib
import math
import os
import sys

from flask import Flask, request
from flask_login import current_user
from werkzeug.wrappers import Response

from course import clock
from course.extensions import limiter

LOGIN_PER_IP = "20 per 15 minutes"
LOGIN_PER_ACCOUNT = "10 per 15 minutes"
REGISTER_PER_IP = "10 per hour"
CHANGE_PER_USER = "5 per 15 minutes"
RESET_PER_IP = "10 per hour"
RESET_PER_ACCOUNT = "3 per hour"


def account_key() -> str:
    """The rate-limit key of the account named in the form (hashed: no email in storage)."""
    email = (request.form.get("email") or "").strip().lower()
    return "account:" + hashlib.sha256(email.encode("utf-8")).hexdigest()[:32]


def user_key() -> str:
    """The rate-limit key of the signed-in user (falls back to the address)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return request.remote_addr or "unknown"


def failed(response: Response) -> bool:
    """Count only attempts that did not succeed (a success redirects)."""
    return response.status_code != 302


def succeeded(response: Response) -> bool:
    """Count only attempts that did something (a success redirects)."""
    return response.status_code == 302


login_per_ip = limiter.limit(LOGIN_PER_IP, methods=["POST"], deduct_when=failed)
login_per_account = limiter.limit(
    LOGIN_PER_ACCOUNT, methods=["POST"], key_func=account_key, deduct_when=failed
)
register_per_ip = limiter.limit(REGISTER_PER_IP, methods=["POST"], deduct_when=succeeded)
reset_per_ip = limiter.limit(RESET_PER_IP, methods=["POST"])
reset_per_account = limiter.limit(RESET_PER_ACCOUNT, methods=["POST"], key_func=account_key)
# Each sends an email: a signed-in user cannot make the platform mail-bomb an address.
mail_per_user = limiter.limit("5 per hour", methods=["POST"], key_func=user_key)
password_per_user = limiter.limit(
    CHANGE_PER_USER, methods=["POST"], key_func=user_key, deduct_when=failed
)


def retry_after_seconds() -> int:
    """Seconds until the breached limit resets (at least 1)."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - clock.now().timestamp()))


def wait_message(seconds: int) -> str:
    """'Try again in 12 minutes.' (or seconds, under two minutes)."""
    if seconds < 120:
        return f"Too many attempts. Try again in {seconds} seconds."
    return f"Too many attempts. Try again in {math.ceil(seconds / 60)} minutes."


def storage_problem(uri: str, workers: int) -> str | None:
    """Why this rate-limit storage cannot work with this many worker processes, or None."""
    if uri.startswith("memory://") and workers > 1:
        return (
            f"RATELIMIT_STORAGE_URI is memory:// but {workers} worker processes would each keep "
            "their own counts (multiplying every limit); set it to redis://host:6379/0"
        )
    return None


def configured_workers(argv: list[str], environ: dict[str, str]) -> int:
    """How many gunicorn workers the command line or environment asks for (1 if unknown)."""
    args = [*environ.get("GUNICORN_CMD_ARGS", "").split(), *argv[1:]]
    workers = int(environ.get("WEB_CONCURRENCY", "1") or 1)
    for i, arg in enumerate(args):
        if arg in ("-w", "--workers") and i + 1 < len(args) and args[i + 1].isdigit():
            workers = int(args[i + 1])
        elif arg.startswith("--workers=") and arg.split("=", 1)[1].isdigit():
            workers = int(arg.split("=", 1)[1])
        elif arg.startswith("-w") and arg[2:].isdigit():
            workers = int(arg[2:])
    return workers


def check_storage(app: Flask) -> None:
    """Refuse to start with per-process counters when several workers are configured."""
    under_gunicorn = bool(sys.argv) and "gunicorn" in os.path.basename(sys.argv[0])
    workers = configured_workers(sys.argv if under_gunicorn else [""], dict(os.environ))
    if not app.config.get("RATELIMIT_ENABLED", True):
        return
    problem = storage_problem(app.config.get("RATELIMIT_STORAGE_URI") or "", workers)
    if problem:
        raise RuntimeError(problem)
