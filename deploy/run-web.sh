#!/usr/bin/env bash
# Start one web instance: refuse without SECRET_KEY/PUBLIC_BASE_URL, then exec gunicorn.
# Used by the systemd unit (practicum-web@.service) and by `make cluster`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PRACTICUM_ENV="${PRACTICUM_ENV:-production}"
.venv/bin/python deploy/preflight.py
exec .venv/bin/gunicorn -c deploy/gunicorn.conf.py
