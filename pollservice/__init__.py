"""pollservice: a public-opinion poll aggregator.

``create_app`` reads like a table of contents: configuration, extensions, blueprints,
error handlers, commands.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import cast

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from . import config

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class PollService(Flask):
    """Flask, remembering which hooks and views are plain functions.

    Flask asks ``inspect.iscoroutinefunction`` of every hook and view on every request
    (``ensure_sync``), about ten times a request here; the answer for a given function
    never changes, so it is kept (for a bounded number of them: hooks, views and error
    handlers are a fixed set). ``async def`` functions still go through Flask's wrapper.
    """

    MAX_REMEMBERED = 4096

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._plain_functions: set = set()

    def ensure_sync(self, func):
        try:
            if func in self._plain_functions:
                return func
        except TypeError:  # an unhashable callable: ask Flask every time
            return super().ensure_sync(func)
        synchronous = super().ensure_sync(func)
        if synchronous is func and len(self._plain_functions) < self.MAX_REMEMBERED:
            self._plain_functions.add(func)
        return synchronous


def create_app(test_config: dict | None = None) -> Flask:
    app = PollService(
        __name__,
        instance_relative_config=True,
        static_folder=str(PROJECT_ROOT / "static"),
        static_url_path="/static",
    )
    configure(app, test_config)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    if app.config["PROXY_HOPS"]:  # trust exactly that many proxies' X-Forwarded-For/-Proto
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        # Not X-Forwarded-Host: the host of absolute links (embed snippets) is the Host
        # header the proxy passes on, which TRUSTED_HOSTS can restrict.
        # Wrapping wsgi_app in middleware is how Flask documents it; mypy sees a method.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=0
        )
    return app


def configure(app: Flask, test_config: dict | None) -> None:
    app.config.from_mapping(config.DEFAULTS)
    app.config["SQLALCHEMY_DATABASE_URI"] = config.default_database_url(app.instance_path)
    app.config.from_pyfile("config.py", silent=True)
    # Any setting as POLLSERVICE_<NAME> (values parsed as JSON: POLLSERVICE_JSON_MAX_AGE=60)
    app.config.from_prefixed_env("POLLSERVICE")
    app.config.update(config.from_environment())
    if test_config:
        app.config.update(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = config.normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = config.engine_options(app.config)
    # The limiter's Redis keys live under this deployment's prefix too.
    app.config.setdefault("RATELIMIT_KEY_PREFIX", app.config["REDIS_KEY_PREFIX"] + "limiter")
    # Flask 3 no longer reads the setting; app.json is Flask's DefaultJSONProvider here.
    cast(DefaultJSONProvider, app.json).sort_keys = app.config["JSON_SORT_KEYS"]
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
    app.config["SECRET_KEY"] = config.resolve_secret_key(app.config, app.instance_path)
    # matplotlib builds its font cache once in a writable folder (not $HOME, which a
    # service account may not have).
    os.environ.setdefault("MPLCONFIGDIR", str(Path(app.instance_path) / "matplotlib"))


def register_extensions(app: Flask) -> None:
    from . import (
        jobs,
        models,  # noqa: F401  (models must be imported for Flask-Migrate)
        readmodel,
    )
    from .extensions import api, compress, csrf, db, limiter, login_manager, migrate, shared_cache
    from .services import users

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    _configure_shared_cache(app)
    shared_cache.init_app(app)
    compress.init_app(app)
    readmodel.init_app(app)
    jobs.init_app(app)
    from .services import upload_imports

    upload_imports.init_app(app)  # the admin upload's import job
    from .api.openapi import MarkdownDocstrings
    from .api.schemas import ErrorSchema

    api.ERROR_SCHEMA = ErrorSchema  # document errors in the shape errors.py sends them
    api.init_app(app, spec_kwargs={"extra_plugins": [MarkdownDocstrings()]})

    # The session holds "<id>:<session epoch>" (models.User.get_id): a session that was
    # ended (sign-out, an admin, a disabled account) names an old epoch and loads no one.
    login_manager.user_loader(users.session_user)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _configure_sqlite(app)


def _configure_shared_cache(app: Flask) -> None:
    """Flask-Caching on Redis when ``REDIS_URL`` is set (rendered charts shared by every
    worker); otherwise a null cache, and each worker's own LRU does the caching."""
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("CACHE_TYPE", "RedisCache" if redis_url else "NullCache")
    app.config.setdefault("CACHE_NO_NULL_WARNING", True)
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", 24 * 3600)  # keys carry the data version
    app.config.setdefault("CACHE_KEY_PREFIX", app.config["REDIS_KEY_PREFIX"] + "body:")
    if redis_url:
        app.config.setdefault("CACHE_REDIS_URL", redis_url)
        app.config.setdefault("CACHE_OPTIONS", {"socket_timeout": 0.5, "socket_connect_timeout": 0.5})


def _configure_sqlite(app: Flask) -> None:
    """Foreign keys on, WAL journal and a busy timeout so that readers and one writer can
    share the embedded database."""
    from sqlalchemy import event

    from .extensions import db

    with app.app_context():
        engine = db.engine

    on_disk = ":memory:" not in str(engine.url) and bool(engine.url.database)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if on_disk:
            # SQLite makes the file with the umask's mode (often 0644: anyone on the
            # machine could read the users' password hashes); its -wal and -shm files take
            # the database file's mode.
            config.restrict_to_owner(Path(engine.url.database))
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def register_blueprints(app: Flask) -> None:
    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .api import cors, docs_bp, service_bp
    from .extensions import api, csrf
    from .web import bp as web_bp

    app.register_blueprint(web_bp)
    api.register_blueprint(api_bp)
    api.register_blueprint(service_bp)
    app.register_blueprint(docs_bp)
    # The API takes no cookies for writes (bearer tokens only), so CSRF cannot apply.
    csrf.exempt(api_bp)
    cors.init_app(app)  # public reads from any origin; writes same-origin or token-only
    app.register_blueprint(admin_bp, url_prefix="/admin")


def register_errorhandlers(app: Flask) -> None:
    from . import errors, security

    errors.init_app(app)
    security.init_app(app)


def register_commands(app: Flask) -> None:
    from .cli import init_app

    init_app(app)
