"""Flask extensions, created unbound and bound to the app in ``create_app``.

Kept in their own module so that models, services and blueprints can import them
without importing the application factory (which would be an import cycle).
"""

import threading
from functools import wraps
from typing import Any, TypeAlias

import flask_compress
import flask_limiter
import flask_login
import flask_wtf
from flask import Flask, Response, current_app, g, request
from flask_caching import Cache
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.model import Model as _FlaskSQLAlchemyModel
from sqlalchemy import MetaData
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session

# Every constraint gets a predictable name from the first migration on, so that
# Alembic can later alter or drop it (SQLite needs names for batch migrations).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The models' declarative base (models.py declares on it, not on ``db.Model``, so type
    checkers see the mapped classes). ``db.Model`` is built from this class's namespace with
    the same registry and metadata, so Flask-SQLAlchemy's session, ``create_all`` and Alembic
    see every model; models keep Flask-SQLAlchemy's ``<Poll 3>`` repr when they define none.
    """

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    __repr__ = _FlaskSQLAlchemyModel.__repr__


db = SQLAlchemy(model_class=Base)
#: A session argument: an ORM Session, or ``db.session`` (Flask-SQLAlchemy's scoped proxy,
#: which has the Session's methods but is no Session subclass to a type checker).
SessionArg: TypeAlias = Session | scoped_session[Any]


def upsert_insert(session: SessionArg, target) -> Any:
    """``INSERT`` into ``target`` (a model or table) in the session's dialect, PostgreSQL's
    or SQLite's: both have ``on_conflict_do_nothing`` / ``on_conflict_do_update``."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(target)


# The full-text index is made by hand in migration 0003 (an FTS5 table and its shadow
# tables on SQLite, an expression index on PostgreSQL); autogenerate leaves it alone.
SEARCH_INDEX_OBJECTS = ("question_fts", "ix_question_search")


def include_in_autogenerate(obj, name, type_, reflected, compare_to) -> bool:
    return not (reflected and name and name.startswith(SEARCH_INDEX_OBJECTS))


migrate = Migrate(render_as_batch=True, include_object=include_in_autogenerate)


class CSRFProtect(flask_wtf.CSRFProtect):
    """Flask-WTF's CSRF protection, asking first whether the method is one it protects:
    a GET, HEAD or OPTIONS is never checked, so it need not look up exemptions first.
    Every POST, PUT, PATCH and DELETE outside the exempt API is checked as before."""

    def protect(self, apply_exemptions: bool = False) -> None:
        if request.method not in current_app.config["WTF_CSRF_METHODS"]:
            return
        super().protect(apply_exemptions)


class LoginManager(flask_login.LoginManager):
    """Flask-Login, leaving alone a response marked cookie-independent (the public cached
    reads, readmodel/http.py): it neither refreshes nor clears the remember-me cookie on a
    response a shared cache may keep, as security.py keeps the session cookie off it."""

    def _update_remember_cookie(self, response: Response) -> Response:
        if g.get("cookie_independent"):
            return response
        return super()._update_remember_cookie(response)


class DocumentedOnReadApi(Api):
    """flask-smorest's ``Api``, writing each blueprint's views into the OpenAPI document when
    the document is first read rather than when the blueprint is registered.

    Documenting the API's views (apispec resolving every schema of every path) was half of
    building an app, 0.05 s: every gunicorn worker and every test's app paid it, and only
    the requests for ``/api/openapi.json`` or the docs page need it. A new document
    (``init_app`` on another app) starts with nothing waiting.
    """

    def __init__(self, *args, **kwargs):
        self._waiting: list[tuple] = []
        self._document = None
        self._writing = threading.Lock()  # two first reads at once must not both write it
        super().__init__(*args, **kwargs)

    @property
    def spec(self):
        with self._writing:
            waiting, self._waiting = self._waiting, []
            for blp, app, name, parameters in waiting:
                blp.register_views_in_doc(self, app, self._document, name=name, parameters=parameters)
                self._document.tag({"name": name, "description": blp.description})
            return self._document

    @spec.setter
    def spec(self, document) -> None:
        self._document, self._waiting = document, []

    def register_blueprint(self, blp, *, parameters=None, **options):
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._waiting.append((blp, self._app, name, parameters))


csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "admin.login"
login_manager.login_message_category = "info"
api = DocumentedOnReadApi()


class Limiter(flask_limiter.Limiter):
    """Flask-Limiter, paying for a limit only where one is declared.

    Its ``before_request`` hook evaluates the limits that apply to every request (default,
    application, blueprint and meta limits, or the in-memory fallback while the storage is
    down); pollservice declares none, so on every other endpoint the hook only looked up
    exemptions and found nothing (about a sixth of a cached read's time). It now runs when
    such limits exist. Decorated views (``@limiter.limit``, the login) check their own
    limits inside the view, as before. The after-request hook (rate-limit headers) and the
    teardown run only in a request that checked a limit: the others would build the
    extension's per-request state just to find it empty.
    """

    def _check_request_limit(self, callable_name: str | None = None, in_middleware: bool = True) -> None:
        if in_middleware and not self.limits_every_request():
            return
        super()._check_request_limit(callable_name, in_middleware)

    def limits_every_request(self) -> bool:
        """Whether some limit may apply to any request. Read from Flask-Limiter's own
        state; an attribute another version of it lacks counts as a limit (checked)."""
        manager = self.limit_manager
        return any(getattr(owner, name, True) for owner, name in (
            (manager, "_application_limits"), (manager, "_default_limits"),
            (manager, "_blueprint_limits"), (self, "_meta_limits"), (self, "_storage_dead")))

    @property
    def context(self):
        g._rate_limit_checked = True
        return super().context

    def init_app(self, app: Flask) -> None:
        # One Limiter serves every app of a test process: Flask-Limiter keeps the first app's
        # key prefix, fallback and dead storage otherwise (it reads them only when unset).
        self._storage_dead = False
        self._key_prefix = app.config.get("RATELIMIT_KEY_PREFIX", "")
        self._in_memory_fallback_enabled = bool(app.config.get("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"))
        self._swallow_errors = None
        super().init_app(app)
        for hooks in (app.after_request_funcs[None], app.teardown_request_funcs[None]):
            hooks[:] = [self._only_after_a_check(hook) if self._is_own_hook(hook) else hook
                        for hook in hooks]

    def _is_own_hook(self, hook) -> bool:
        if getattr(hook, "_rate_limit_gate", False):
            return False
        bound_to = getattr(hook, "__self__", None)  # the teardown is a bound method
        partial_of = getattr(hook, "args", ())[:1]  # the after-request hook a partial
        return bound_to is self or partial_of == (self,)

    @staticmethod
    def _only_after_a_check(hook):
        @wraps(hook)
        def gated(arg):
            return hook(arg) if g.get("_rate_limit_checked") else arg

        gated._rate_limit_gate = True  # type: ignore[attr-defined]
        return gated


# Limits are declared where they apply (login); storage is Redis when REDIS_URL is set
# (shared by all workers), else per process (see README: the limit is then per worker);
# with Redis down each process counts in its memory until Redis answers again.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
# Rendered bodies shared by all workers (charts): Redis when REDIS_URL is set, else off,
# and each worker keeps its own copies (readmodel/bodies.py). Configured in create_app.
shared_cache = Cache()


class Compress(flask_compress.Compress):
    """Compresses pages, static files and exports for clients that accept it (br or gzip).

    It steps aside at once from a response it would leave as it is: one already encoded
    (cached API bodies and charts carry their own gzip, made once: readmodel/http.py), one
    smaller than ``COMPRESS_MIN_SIZE`` (``/livez``, a small average), or a request that
    accepts no encoding. Such a response still gets ``Vary: Accept-Encoding``, as
    Flask-Compress gives every response. The response's headers are read in one pass:
    werkzeug's ``Headers.get`` raises and catches an exception for each absent header.
    """

    def after_request(self, response: Response | None) -> Response:
        if response is None:
            return super().after_request(response)
        present: dict[str, str] = {}
        for name, value in response.headers:
            present.setdefault(name.lower(), value)
        if not self._leaves_as_it_is(present):
            return super().after_request(response)
        vary = present.get("vary")
        if not vary:
            response.headers["Vary"] = "Accept-Encoding"
        elif "accept-encoding" not in vary.lower():
            response.headers["Vary"] = f"{vary}, Accept-Encoding"
        return response

    @staticmethod
    def _leaves_as_it_is(headers: dict[str, str]) -> bool:
        if "content-encoding" in headers or not request.environ.get("HTTP_ACCEPT_ENCODING"):
            return True
        length = headers.get("content-length", "")
        return length.isdigit() and int(length) < current_app.config["COMPRESS_MIN_SIZE"]


compress = Compress()
