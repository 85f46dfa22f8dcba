#!/usr/bin/env bash
# Start the background-task worker (huey) when the app has one (course/tasks.py).
# Used by the systemd unit (practicum-worker.service) and by `make cluster`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PRACTICUM_ENV="${PRACTICUM_ENV:-production}"
if [[ ! -f course/tasks.py ]]; then
  echo "no course/tasks.py: this version has no background tasks" >&2
  exit 0
fi
.venv/bin/python deploy/preflight.py
exec .venv/bin/huey_consumer course.tasks.huey --workers "${HUEY_WORKERS:-2}"
