"""Role-matrix rows for the self-service account pages (any signed-in user)."""

from __future__ import annotations

# endpoint: (method, anonymous, learner, instructor, admin)
ROWS: dict[str, tuple[str, object, object, object, object]] = {
    # The export downloads JSON for whoever is signed in.
    "account.export": ("POST", "login", 200, 200, 200),
    "account.close": ("GET", "login", 200, 200, 200),
}
