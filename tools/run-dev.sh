#!/usr/bin/env bash
# make run: the development server and the background worker side by side.
# The worker sends the queued mail (printed here, by the console backend). Ctrl-C, or a TERM to
# this script, stops both; if either one stops, the other is stopped too.
set -euo pipefail
cd "$(dirname "$0")/.."
host=${1:-127.0.0.1} port=${2:-5000}
export PRACTICUM_ENV=development HUEY_IMMEDIATE=0
# Links in emails and credentials point at where this server really listens.
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://$host:$port}"
.venv/bin/huey_consumer course.worker.huey --workers 1 --quiet &
worker=$!
.venv/bin/flask run --host "$host" --port "$port" &
web=$!
stop() { kill "$web" "$worker" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT
trap 'exit 130' INT TERM
wait -n "$web" "$worker"
