"""Role-matrix rows for the load-balancer probes (public, no state)."""

from __future__ import annotations

# endpoint: (method, anonymous, learner, instructor, admin)
ROWS: dict[str, tuple[str, object, object, object, object]] = {
    "ops.healthz": ("GET", 200, 200, 200, 200),
    # The test database is built from the models, not migrated: not ready.
    "ops.readyz": ("GET", 503, 503, 503, 503),
}
