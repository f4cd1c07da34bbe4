"""Configuration: code defaults, then the instance folder's ``config.py``, then any
setting as a ``POLLSERVICE_<NAME>`` environment variable (``app.config.from_prefixed_env``;
values parsed as JSON, e.g. ``POLLSERVICE_READ_STALENESS_SECONDS=2``), then the variables
below, then a test mapping passed to ``create_app``.

Environment variables:

``DATABASE_URL``
    SQLAlchemy URL. Default: a SQLite file ``pollservice.sqlite3`` in the instance
    folder. PostgreSQL: ``postgresql+psycopg://user@host:5432/dbname``.
``SECRET_KEY``
    Signs sessions and CSRF tokens. Required with ``POLLSERVICE_ENV=production``;
    otherwise a random key is generated once and kept in ``instance/secret_key``.
``REDIS_URL``
    e.g. ``redis://127.0.0.1:6379/0``: every worker learns of a write at once (no stale
    reads), rendered charts and login rate limits are shared by all workers.
``PROXY_HOPS``
    How many proxies in front of gunicorn set ``X-Forwarded-For``/``-Proto`` (default 0).
    Behind one proxy set 1: login rate limits then count per client, not per proxy.
``REDIS_KEY_PREFIX``
    Prefix of this deployment's Redis keys (default ``pollservice:``); give each database
    its own when several share one Redis.
``POLLSERVICE_ENV``
    ``production`` refuses to start without a real ``SECRET_KEY``.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULTS = {
    # OpenAPI document (flask-smorest); the docs page is static/api-docs.html
    "API_TITLE": "pollservice API",
    "API_VERSION": "1.5.0",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {"description": (
            "Poll averages with honest 95% intervals. What each version added or changed: "
            "[the API changelog](/api/changelog).\n\n"
            "Every `GET` carries `ETag` and `Cache-Control` (and `Last-Modified` for a question's "
            "reads) and answers `304` to `If-None-Match`; any origin may read it (CORS), writes "
            "need a bearer token. A bad query parameter is a `400` naming it; parameters an "
            "operation does not take are ignored.")},
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    },
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    # Redis down costs the shared counters, never a request: each process then counts in its
    # memory (Flask-Limiter's fallback), and a storage error is logged, not raised.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,
    "LOGIN_RATE_LIMIT": "5 per minute",
    "REPORT_RATE_LIMIT": "5 per hour",  # readers' reports of a wrong number, per address
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,  # admin sessions expire after 8 hours
    # Read caching (see readmodel/versions.py and readmodel/http.py)
    "READ_STALENESS_SECONDS": 1.0,  # without Redis: how old another worker's view may be
    "JSON_MAX_AGE": 30,  # Cache-Control max-age of JSON reads, seconds
    "IMAGE_MAX_AGE": 300,  # ... of chart images
    "REDIS_KEY_PREFIX": "pollservice:",
    "PROXY_HOPS": 0,
    # Webhooks (jobs/webhooks.py)
    "WEBHOOK_TIMEOUT_SECONDS": 5.0,  # per delivery attempt
    "WEBHOOK_MAX_ATTEMPTS": 6,  # per event: the first and five retries
    "WEBHOOK_RETRY_DELAY": 10.0,  # seconds before the first retry, doubled before each next
    "WEBHOOK_DISABLE_AFTER": 10,  # consecutive failed attempts that disable an endpoint
    "WEBHOOK_ALLOW_PRIVATE": False,  # allow loopback / private addresses (tests, intranets)
    # Review before publish (services/review.py): a poll typed in (form, API) from a pollster
    # seen for the first time, or more than this many standard errors from the current
    # average after its pollster's house effect, is held for a reviewer
    "REVIEW_HOLDS": True,
    "REVIEW_HOLD_STANDARD_ERRORS": 4.0,

    # Response compression (Flask-Compress) for whatever readmodel.http has not compressed
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    # Not streamed files (static/): Flask-Compress leaves the file open when it compresses
    # a stream; a proxy in front (or the browser cache) serves those better anyway.
    "COMPRESS_STREAMS": False,
    "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/javascript", "application/javascript",
                           "application/json", "image/svg+xml", "text/csv"],
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # A database that refuses or never answers gives a 503 in bounded time, not a hang
    # (engine_options below; seconds, 0 for none): connecting (PostgreSQL), one statement
    # (PostgreSQL's statement_timeout, enforced by the server), waiting for a pooled connection.
    "DATABASE_CONNECT_TIMEOUT": 5,
    "DATABASE_STATEMENT_TIMEOUT": 60,
    "DATABASE_POOL_TIMEOUT": 10,
    "HEALTH_TIMEOUT": 3,  # /healthz answers 503 when its database check takes longer
    "WTF_CSRF_TIME_LIMIT": None,  # tokens live as long as the session
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "JSON_SORT_KEYS": False,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
}


def restrict_to_owner(path: Path, create: bool = False) -> None:
    """Make a file this process owns readable and writable by its owner only (the
    SQLite database, the task queue's file); one owned by another account is left as it is.
    ``create``: make it (empty, mode 0600) if it does not exist."""
    if create:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    try:
        status = path.stat()
        if status.st_uid == os.getuid() and status.st_mode & 0o077:
            path.chmod(0o600)
    except FileNotFoundError:
        pass


def default_database_url(instance_path: str) -> str:
    return "sqlite:///" + str(Path(instance_path) / "pollservice.sqlite3")


def from_environment() -> dict:
    """Settings read from the environment; only the variables that are set."""
    settings: dict = {}
    if os.environ.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
    if os.environ.get("SECRET_KEY"):
        settings["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if os.environ.get("REDIS_URL"):
        settings["REDIS_URL"] = os.environ["REDIS_URL"]
        settings["RATELIMIT_STORAGE_URI"] = os.environ["REDIS_URL"]
    if os.environ.get("PROXY_HOPS"):
        settings["PROXY_HOPS"] = int(os.environ["PROXY_HOPS"])
    if os.environ.get("REDIS_KEY_PREFIX"):
        settings["REDIS_KEY_PREFIX"] = os.environ["REDIS_KEY_PREFIX"]
    return settings


def engine_options(settings) -> dict:
    """``SQLALCHEMY_ENGINE_OPTIONS`` with the timeouts above (options set explicitly win)."""
    options = dict(settings.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if not str(settings.get("SQLALCHEMY_DATABASE_URI", "")).startswith("postgresql"):
        return options  # SQLite: no server to wait for (and an in-memory pool takes no timeout)
    if settings.get("DATABASE_POOL_TIMEOUT"):
        options.setdefault("pool_timeout", settings["DATABASE_POOL_TIMEOUT"])
    connect_args = dict(options.get("connect_args") or {})
    if settings.get("DATABASE_CONNECT_TIMEOUT"):
        connect_args.setdefault("connect_timeout", max(int(settings["DATABASE_CONNECT_TIMEOUT"]), 1))
    if settings.get("DATABASE_STATEMENT_TIMEOUT"):
        milliseconds = int(float(settings["DATABASE_STATEMENT_TIMEOUT"]) * 1000)
        connect_args.setdefault("options", f"-c statement_timeout={milliseconds}")
    options["connect_args"] = connect_args
    return options


def normalise_database_url(url: str) -> str:
    """Accept the ``postgres://`` and ``postgresql://`` spellings hosting platforms use
    and route them to psycopg 3, the driver this project ships."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


WEAK_SECRETS = {"dev", "secret", "changeme", "change-me", "development", "test"}


def resolve_secret_key(settings: dict, instance_path: str) -> str:
    """The key that signs sessions and CSRF tokens.

    In production (``POLLSERVICE_ENV=production``) it must be given (``SECRET_KEY``) and
    must not be a well-known placeholder: the app refuses to start otherwise. Elsewhere a
    random key is generated once and kept in ``instance/secret_key`` (mode 0600), so that
    sessions survive a restart and no secret is ever hard-coded.
    """
    key = settings.get("SECRET_KEY") or ""
    production = os.environ.get("POLLSERVICE_ENV", "").lower() == "production"
    if production and (not key or key.lower() in WEAK_SECRETS or len(key) < 16):
        raise RuntimeError(
            "Refusing to start: POLLSERVICE_ENV=production needs a real SECRET_KEY "
            "(at least 16 random characters), e.g. "
            "python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    if key:
        return key
    key_file = Path(instance_path) / "secret_key"
    if not key_file.exists():
        import secrets
        import tempfile

        # Written whole to a private temporary file, then linked into place: a worker
        # starting at the same moment never reads a half-written (empty) key, and if two
        # race, the first link wins and both read the same key.
        fd, temporary = tempfile.mkstemp(dir=instance_path, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
            os.link(temporary, key_file)
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    return key_file.read_text().strip()
