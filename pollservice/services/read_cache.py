"""The read path's two caches, both keyed by a question's data version.

1. **Question state** (slug -> id, data version, last change): every read needs it, and a
   database round trip per request would cap throughput at about half of what the
   framework can serve. Each worker keeps it in memory and re-validates it:

   - with ``REDIS_URL`` set, on every request, from a Redis key that every write sets right
     after its commit (a sub-millisecond GET): reads are never stale;
   - without Redis, from the database at most once every ``READ_STALENESS_SECONDS``
     (default 1 s) per question: a read served by another worker than the one that took
     the write may be up to that old. The writing worker sees its own write at once.

2. **Response bodies**: the serialized JSON (or image) of a read, keyed by endpoint,
   question, data version and query, kept in a worker-local LRU bounded in bytes. A new
   data version makes new keys; old entries age out.

3. **Derived data** (``memo``): objects the read path builds from the store, e.g. a
   chart's poll dots, keyed by the question's data version like the bodies.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass

from cachetools import LRUCache
from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Question
from .errors import NotFound

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QuestionState:
    id: int
    slug: str
    version: int
    changed_at: dt.datetime
    checked_at: float  # time.monotonic() of the last validation


_states: dict[str, QuestionState] = {}
_bodies: LRUCache = LRUCache(maxsize=64 * 1024 * 1024, getsizeof=lambda entry: len(entry[0]) + 200)
_derived: LRUCache = LRUCache(maxsize=16)
_lock = threading.Lock()
_redis_clients: dict[str, object] = {}


def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = _redis_clients.get(url)
    if client is None:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        _redis_clients[url] = client
    return client


def _key(slug: str) -> str:
    return current_app.config.get("REDIS_KEY_PREFIX", "pollservice:") + "question:" + slug


def _encode(state: QuestionState) -> str:
    return f"{state.id}|{state.version}|{state.changed_at.isoformat()}"


def _from_database(slug: str) -> QuestionState:
    row = db.session.execute(
        select(Question.id, Question.data_version, Question.data_changed_at).where(Question.slug == slug)
    ).first()
    if row is None:
        raise NotFound(f"No question with slug {slug!r}.", fields={"slug": "unknown question"})
    return QuestionState(row.id, slug, row.data_version, row.data_changed_at, time.monotonic())


def question_state(slug: str) -> QuestionState:
    """The question's id and current data version (see the module docstring for how fresh)."""
    redis_client = _redis()
    if redis_client is not None:
        try:
            raw = redis_client.get(_key(slug))
        except Exception as error:  # Redis down: fall back to the database, never fail a read
            log.warning("version signal unavailable (%s); reading the database", error)
            return _from_database(slug)
        if raw is not None:
            ident, version, changed = raw.decode().split("|")
            return QuestionState(int(ident), slug, int(version), dt.datetime.fromisoformat(changed),
                                 time.monotonic())
        state = _from_database(slug)
        publish([state])
        return state
    staleness = current_app.config.get("READ_STALENESS_SECONDS", 1.0)
    with _lock:
        state = _states.get(slug)
    if state is None or time.monotonic() - state.checked_at > staleness:
        state = _from_database(slug)
        with _lock:
            _states[slug] = state
    return state


def publish(states: list[QuestionState]) -> None:
    """Tell every worker about new data versions (Redis), and this worker (memory)."""
    with _lock:
        for state in states:
            _states[state.slug] = state
    redis_client = _redis()
    if redis_client is not None and states:
        try:
            redis_client.mset({_key(s.slug): _encode(s) for s in states})
        except Exception as error:
            log.warning("could not publish data versions to Redis: %s", error)


def after_write(question_ids: set[int]) -> None:
    """Called after a write committed: publish the questions' new versions."""
    if not question_ids:
        return
    rows = db.session.execute(
        select(Question.id, Question.slug, Question.data_version, Question.data_changed_at)
        .where(Question.id.in_(question_ids))
    ).all()
    publish([QuestionState(r.id, r.slug, r.data_version, r.data_changed_at, time.monotonic()) for r in rows])


def forget(slug: str) -> None:
    """Drop a slug (a question renamed or removed)."""
    with _lock:
        _states.pop(slug, None)
    redis_client = _redis()
    if redis_client is not None:
        try:
            redis_client.delete(_key(slug))
        except Exception as error:
            log.warning("could not drop %s from Redis: %s", slug, error)


def cached_body(key: tuple) -> tuple[bytes, str] | None:
    with _lock:
        return _bodies.get(key)


def store_body(key: tuple, body: bytes, mimetype: str) -> None:
    with _lock:
        _bodies[key] = (body, mimetype)


def memo(key: tuple, build):
    """``build()``, remembered under ``key``, which must carry the data version of what
    it reads (two requests may build the same entry at once; both results are equal)."""
    with _lock:
        value = _derived.get(key)
    if value is None:
        value = build()
        with _lock:
            _derived[key] = value
    return value


def clear() -> None:
    with _lock:
        _states.clear()
        _bodies.clear()
        _derived.clear()
