"""The read path's two caches, both keyed by a question's data version.

1. **Question state** (slug -> id, data version, last change): every read needs it, and a
   database round trip per request would cap throughput at about half of what the
   framework can serve. Each worker keeps it in memory and re-validates it:

   - with ``REDIS_URL`` set, every write sets a Redis key per question right after its
     commit (only ever to a newer version) and publishes it on a channel. Each worker
     runs one listener thread on that channel and keeps what it hears; while the listener
     is subscribed, a read needs no round trip at all, and a write is seen by every worker
     as soon as Redis delivers the message (well under a millisecond on one network). A
     question the worker has not heard of is read from its key (one GET). When the
     listener is not subscribed (starting, or Redis unreachable), every read GETs the key;
     when it (re)subscribes, what it kept is dropped, since messages may have been missed.
     A kept version is re-checked with Redis after a minute, and the Redis keys expire
     after five minutes, so even a lost message or a failed publish is outlived;
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
import itertools
import logging
import os
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
    generation: int = 0  # the listener subscription it was kept under (Redis mode)


_states: dict[str, QuestionState] = {}
# (body, mimetype, gzipped body or None), bounded by their bytes.
_bodies: LRUCache = LRUCache(maxsize=64 * 1024 * 1024,
                             getsizeof=lambda entry: len(entry[0]) + len(entry[2] or b"") + 200)
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


def _prefix() -> str:
    return current_app.config.get("REDIS_KEY_PREFIX", "pollservice:")


def _key(slug: str) -> str:
    return _prefix() + "question:" + slug


def _encode(state: QuestionState) -> str:
    return f"{state.id}|{state.version}|{state.changed_at.isoformat()}"


def _decode(slug: str, raw: bytes | str, generation: int = 0) -> QuestionState:
    text = raw.decode() if isinstance(raw, bytes) else raw
    ident, version, changed = text.split("|")
    return QuestionState(int(ident), slug, int(version), dt.datetime.fromisoformat(changed),
                         time.monotonic(), generation)


# Sets a question's key only to a newer version: two writers that finish out of order
# (the slower one recomputing an older version) must not leave the older one in Redis.
_SET_IF_NEWER = """
local current = redis.call('GET', KEYS[1])
if current then
  local version = tonumber(string.match(current, '^%d+|(%d+)|'))
  if version and version >= tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1
"""


def _keep(state: QuestionState) -> None:
    """Remember a state in this worker unless it already knows a newer version."""
    with _lock:
        known = _states.get(state.slug)
        if known is None or known.version <= state.version or known.id != state.id:
            _states[state.slug] = state


class _VersionListener:
    """One thread per worker process and channel: keeps the versions other workers
    publish. ``generation`` counts subscriptions; only states kept under the current one
    are trusted without asking Redis."""

    def __init__(self, url: str, channel: str):
        self.url, self.channel = url, channel
        self.pid = os.getpid()  # a listener copied into a forked child has no thread there
        self.generation = 0
        self.subscribed = threading.Event()
        threading.Thread(target=self._run, name="pollservice-versions", daemon=True).start()

    def _run(self) -> None:
        import redis

        delay = 1.0
        while True:
            try:
                client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5,
                                              health_check_interval=10)
                pubsub = client.pubsub()
                pubsub.subscribe(self.channel)
                for message in pubsub.listen():
                    if message["type"] == "subscribe":
                        with _lock:  # anything published before now may have been missed
                            self.generation = next(_generations)  # unique across listeners
                            _states.clear()
                        self.subscribed.set()
                        delay = 1.0
                    elif message["type"] == "message":
                        self._apply(message["data"].decode())
            except Exception as error:
                self.subscribed.clear()
                log.warning("version listener lost Redis (%s); reads ask Redis until it is back "
                            "(next try in %.0f s)", error, delay)
                time.sleep(delay)
                delay = min(delay * 2, 30.0)

    def _apply(self, text: str) -> None:
        if text.startswith("-"):  # a slug renamed or removed
            with _lock:
                _states.pop(text[1:], None)
            return
        slug, _, encoded = text.partition("|")
        _keep(_decode(slug, encoded, self.generation))


# Bounds on what a lost message can cost. A version kept from the listener is re-read from
# Redis after TRUST_SECONDS (a connection dropped without an error goes unnoticed until
# then); a version key expires after KEY_SECONDS and is re-read from the database (a write
# whose publish failed, e.g. Redis down at that moment, is served after that at the latest).
TRUST_SECONDS = 60.0
KEY_SECONDS = 300

_listeners: dict[tuple[str, str], _VersionListener] = {}
_generations = itertools.count(1)


def _listener() -> _VersionListener:
    key = (current_app.config["REDIS_URL"], _prefix() + "versions")
    with _lock:
        listener = _listeners.get(key)
        if listener is None or listener.pid != os.getpid():
            listener = _listeners[key] = _VersionListener(*key)
    return listener


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
        return _state_through_redis(redis_client, slug)
    staleness = current_app.config.get("READ_STALENESS_SECONDS", 1.0)
    with _lock:
        state = _states.get(slug)
    if state is None or time.monotonic() - state.checked_at > staleness:
        state = _from_database(slug)
        with _lock:
            _states[slug] = state
    return state


def _state_through_redis(redis_client, slug: str) -> QuestionState:
    listener = _listener()
    generation = listener.generation if listener.subscribed.is_set() else None
    if generation is not None:
        with _lock:
            state = _states.get(slug)
        if (state is not None and state.generation == generation
                and time.monotonic() - state.checked_at < TRUST_SECONDS):
            return state  # what the listener has kept: current to within message delivery
    try:
        raw = redis_client.get(_key(slug))
    except Exception as error:  # Redis down: fall back to the database, never fail a read
        log.warning("version signal unavailable (%s); reading the database", error)
        return _from_database(slug)
    if raw is not None:
        state = _decode(slug, raw, generation or 0)
    else:
        state = _from_database(slug)
        try:  # only if no writer has set it meanwhile
            redis_client.set(_key(slug), _encode(state), nx=True, ex=KEY_SECONDS)
        except Exception as error:
            log.warning("could not record a data version in Redis: %s", error)
    if generation is not None and listener.generation == generation:
        _keep(state)  # a newer version the listener already kept is not replaced
    return state


def publish(states: list[QuestionState]) -> None:
    """Tell every worker about new data versions (Redis), and this worker (memory)."""
    for state in states:
        _keep(state)
    redis_client = _redis()
    if redis_client is not None and states:
        channel = _prefix() + "versions"
        try:
            set_if_newer = redis_client.register_script(_SET_IF_NEWER)
            pipe = redis_client.pipeline(transaction=False)
            for state in states:
                set_if_newer(keys=[_key(state.slug)], client=pipe,
                             args=[_encode(state), state.version, KEY_SECONDS])
                pipe.publish(channel, f"{state.slug}|{_encode(state)}")
            pipe.execute()
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
    """Drop a slug (a question renamed or removed), here and in every worker."""
    with _lock:
        _states.pop(slug, None)
    redis_client = _redis()
    if redis_client is not None:
        try:
            pipe = redis_client.pipeline(transaction=False)
            pipe.delete(_key(slug))
            pipe.publish(_prefix() + "versions", "-" + slug)
            pipe.execute()
        except Exception as error:
            log.warning("could not drop %s from Redis: %s", slug, error)


def cached_body(key: tuple) -> tuple[bytes, str, bytes | None] | None:
    with _lock:
        return _bodies.get(key)


def store_body(key: tuple, body: bytes, mimetype: str, gzipped: bytes | None = None) -> None:
    with _lock:
        _bodies[key] = (body, mimetype, gzipped)


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
