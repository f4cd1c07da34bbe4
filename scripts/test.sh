#!/usr/bin/env bash
# Install everything the tests need (system packages and Python packages), lint, then
# run the whole test suite twice, both passes at the same time: on SQLite, and on
# PostgreSQL (TEST_DATABASE_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test).
# Each pass writes to its own log, shown when both have ended; the script fails if either
# does. Extra arguments go to both pytest runs, e.g. -m "not slow" or -k api.
# mypy type-checks pollservice/ ([tool.mypy] in pyproject.toml) after ruff.
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
# The two passes run at once on a machine of a few cores; BLAS threads on the statistics'
# small matrices would only contend with them (a quarter more CPU for the same tests here).
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
.venv/bin/ruff check .
echo "== mypy =="
.venv/bin/mypy  # files and options: [tool.mypy] in pyproject.toml

PG_URL="${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
if .venv/bin/python -c "import sqlalchemy as sa, sys; sa.create_engine(sys.argv[1]).connect().close()" "$PG_URL" 2>/dev/null; then
    on_postgres=1
elif [ "${CI:-}" = "true" ]; then
    echo "error: PostgreSQL at $PG_URL is not reachable; CI must test on it" >&2
    exit 1
else
    echo "warning: PostgreSQL at $PG_URL is not reachable; skipped the PostgreSQL run" >&2
    on_postgres=0
fi

# The passes share nothing: each has its own database (a file per test on SQLite, the
# PostgreSQL test database), temporary folders (pytest numbers them per process),
# test-artifacts/<database>/, and Redis key prefixes and ports made per test.
logs="$(mktemp -d "${TMPDIR:-/tmp}/pollservice-tests.XXXXXX")"
names=() pids=()
start_pass() {  # name, then the command; its output goes to $logs/name.log
    local name=$1
    shift
    set -m  # a process group of its own, so that stop_passes reaches gunicorn and Chromium too
    (
        started=$SECONDS status=0
        "$@" >"$logs/$name.log" 2>&1 || status=$?
        echo "$status $((SECONDS - started))" >"$logs/$name.result"
    ) &
    set +m
    names+=("$name") pids+=("$!")
}
stop_passes() {  # on Ctrl-C or kill: interrupt the passes as a Ctrl-C would (teardown runs)
    for pid in "${pids[@]}"; do
        kill -INT -- "-$pid" 2>/dev/null || true
    done
    wait
    exit 130
}
trap stop_passes INT TERM

# TEST_DATABASE_URL, if exported, is for the PostgreSQL pass only.
start_pass SQLite env -u TEST_DATABASE_URL .venv/bin/python -m pytest "$@"
if [ "$on_postgres" = 1 ]; then
    # tests/stats is pure (no database): it runs in the SQLite pass only. So do the browser
    # walks (tests/browser): what they add to the other tests is the pages in Chromium, the
    # same on either database; every flow they drive is also tested on PostgreSQL below them.
    start_pass PostgreSQL env TEST_DATABASE_URL="$PG_URL" .venv/bin/python -m pytest --ignore=tests/stats \
        --ignore=tests/browser "$@"
fi
echo "running the ${names[*]} passes at the same time; their output follows when they end"
wait "${pids[@]}" || true

failed=0
for name in "${names[@]}"; do
    read -r status seconds <"$logs/$name.result"
    echo "== tests on $name: exit $status after ${seconds}s =="
    cat "$logs/$name.log"
    [ "$status" = 0 ] || failed=1
done
if [ "$failed" = 0 ]; then
    rm -rf "$logs"
else
    echo "error: a test pass failed; its log stays in $logs" >&2
fi
exit "$failed"
