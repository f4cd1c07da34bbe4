#!/usr/bin/env bash
# Install everything the tests need (system packages and Python packages), lint, then
# run the whole test suite twice: on SQLite, and on PostgreSQL
# (TEST_DATABASE_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test).
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

# Browser tests drive Debian's Chromium with Playwright (no browser download).
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "warning: /usr/bin/chromium missing and not root; browser tests will be skipped" >&2
    fi
fi

# A venv left half-made (interrupted creation, no pip) is made again.
if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
    rm -rf .venv
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"

export MPLCONFIGDIR="${MPLCONFIGDIR:-$PWD/instance/matplotlib}"
.venv/bin/ruff check .

echo "== tests on SQLite =="
.venv/bin/python -m pytest "$@"

PG_URL="${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
if .venv/bin/python -c "import sqlalchemy as sa, sys; sa.create_engine(sys.argv[1]).connect().close()" "$PG_URL" 2>/dev/null; then
    echo "== tests on PostgreSQL =="
    # tests/stats is pure (no database): it ran above and is not repeated here.
    TEST_DATABASE_URL="$PG_URL" .venv/bin/python -m pytest --ignore=tests/stats "$@"
elif [ "${CI:-}" = "true" ]; then
    echo "error: PostgreSQL at $PG_URL is not reachable; CI must test on it" >&2
    exit 1
else
    echo "warning: PostgreSQL at $PG_URL is not reachable; skipped the PostgreSQL run" >&2
fi
