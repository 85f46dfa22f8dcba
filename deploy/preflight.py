"""Refuse to serve production without the settings it cannot run safely without.

Run by `make serve` and the cluster scripts before gunicorn starts; exits 1 with a message.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

REQUIRED = ("SECRET_KEY", "PUBLIC_BASE_URL")


def main() -> int:
    """Build the production app and check its required settings."""
    os.environ.setdefault("PRACTICUM_ENV", "production")
    from course import create_app

    try:
        app = create_app()
    except RuntimeError as error:
        print(f"refusing to start: {error}", file=sys.stderr)
        return 1
    missing = [key for key in REQUIRED if not app.config.get(key)]
    if missing:
        names = " and ".join(missing)
        where = "environment or instance/config.py"
        print(f"refusing to start: set {names} ({where})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
