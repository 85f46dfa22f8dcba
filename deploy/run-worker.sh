#!/usr/bin/env bash
# Start the background-task worker (huey): it sends the queued mail and the daily digest.
# Used by the systemd unit (practicum-worker.service) and by `make cluster`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PRACTICUM_ENV="${PRACTICUM_ENV:-production}"
.venv/bin/python deploy/preflight.py
exec .venv/bin/huey_consumer course.worker.huey --workers "${HUEY_WORKERS:-2}"
