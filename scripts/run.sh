#!/usr/bin/env bash
# Install pollservice, migrate the embedded SQLite database (instance/pollservice.sqlite3),
# load the seed and demo data into an empty database, start a worker (the recomputes) and
# serve on http://127.0.0.1:5000.
# DATABASE_URL and SECRET_KEY in the environment override the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

# A venv left half-made (interrupted creation, no pip) is made again.
if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
    rm -rf .venv
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .

export MPLCONFIGDIR="${MPLCONFIGDIR:-$PWD/instance/matplotlib}"
.venv/bin/flask --app pollservice db upgrade
.venv/bin/flask --app pollservice load-demo --if-empty
# The worker computes every question's stored averages and charts after its polls change
# (the demo data just loaded included); the web server only serves what it stored.
.venv/bin/flask --app pollservice worker --workers "${WORKER_CONCURRENCY:-2}" &
worker=$!
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null' EXIT INT TERM
echo "pollservice: serving on http://127.0.0.1:5000 (Ctrl-C stops it)"
.venv/bin/gunicorn --workers "${WEB_CONCURRENCY:-2}" --bind 127.0.0.1:5000 \
    --access-logfile - wsgi:app
