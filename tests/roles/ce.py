"""Role-matrix rows for continuing education (course/ce/)."""

from __future__ import annotations

# endpoint: (method, anonymous, learner, instructor, admin)
ROWS: dict[str, tuple[str, object, object, object, object]] = {
    # The activity information is public: people read it before deciding to enrol.
    "ce.activity": ("GET", 200, 200, 200, 200),
    # An empty POST (box not ticked) re-renders the page with the error; nothing is recorded.
    "ce.acknowledge_activity": ("POST", "login", 400, 400, 400),
    "ce.privacy": ("GET", 200, 200, 200, 200),
}
