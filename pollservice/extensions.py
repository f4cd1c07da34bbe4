"""Flask extensions, created unbound and bound to the app in ``create_app``.

Kept in their own module so that models, services and blueprints can import them
without importing the application factory (which would be an import cycle).
"""

from typing import Any, TypeAlias

from flask_caching import Cache
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.model import Model as _FlaskSQLAlchemyModel
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
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
# The full-text index is made by hand in migration 0003 (an FTS5 table and its shadow
# tables on SQLite, an expression index on PostgreSQL); autogenerate leaves it alone.
SEARCH_INDEX_OBJECTS = ("question_fts", "ix_question_search")


def include_in_autogenerate(obj, name, type_, reflected, compare_to) -> bool:
    return not (reflected and name and name.startswith(SEARCH_INDEX_OBJECTS))


migrate = Migrate(render_as_batch=True, include_object=include_in_autogenerate)
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "admin.login"
login_manager.login_message_category = "info"
api = Api()
# Limits are declared where they apply (login); storage is Redis when REDIS_URL is set
# (shared by all workers), else per process.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
# Rendered bodies shared by all workers (charts): Redis when REDIS_URL is set, else off,
# and each worker keeps its own copies (readmodel/bodies.py). Configured in create_app.
shared_cache = Cache()
# Compresses pages, static files and exports for clients that accept it (br or gzip);
# cached API bodies and charts carry their own gzip, made once (readmodel/http.py).
compress = Compress()
