"""Question versions: each question's id, data version and last change, as every read
needs them, kept in the worker's memory per app and re-validated.

- With ``REDIS_URL`` set, every write sets a Redis key per question right after its
  commit (only ever to a newer version) and publishes it on a channel. Each app runs one
  listener thread on that channel and keeps what it hears; while the listener is
  subscribed, a read needs no round trip at all, and a write is seen by every worker as
  soon as Redis delivers the message. A question the worker has not heard of is read from
  its key (one GET). When the listener is not subscribed (starting, or Redis unreachable),
  every read GETs the key; when it (re)subscribes, what it kept is dropped, since messages
  may have been missed. A kept version is re-checked with Redis after ``TRUST_SECONDS``,
  and the keys expire after ``KEY_SECONDS``, so even a lost message or a failed publish
  is outlived.
- Without Redis, from the database at most once every ``READ_STALENESS_SECONDS``
  (default 1 s) per question: a read served by another worker than the one that took the
  write may be up to that old. The writing worker sees its own write at once.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from ..domain.errors import NotFound
from ..domain.review import DRAFT
from ..extensions import SessionArg
from ..models import Question

if TYPE_CHECKING:
    import redis

log = logging.getLogger(__name__)

# Bounds on what a lost message can cost. A version kept from the listener is re-read from
# Redis after TRUST_SECONDS (a connection dropped without an error goes unnoticed until
# then); a version key expires after KEY_SECONDS and is re-read from the database (a write
# whose publish failed, e.g. Redis down at that moment, is served after that at the latest).
TRUST_SECONDS = 60.0
KEY_SECONDS = 300

# Sets a question's key only to a newer state: two publishers that finish out of order
# (a writer and a worker) must not leave the older one in Redis. A state is newer when
# its data version or its computed version is (both only grow).
_SET_IF_NEWER = """
local current = redis.call('GET', KEYS[1])
if current then
  local version, computed = string.match(current, '^%d+|(%d+)|[^|]*|(%d+)|')
  if version and tonumber(version) >= tonumber(ARGV[2])
     and tonumber(computed) >= tonumber(ARGV[4]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1
"""

_generations = itertools.count(1)  # subscriptions, unique across every listener


@dataclass(frozen=True)
class QuestionState:
    """A question's data version (bumped by every write) and computed version (the data
    version of its newest complete stored results, 0 before the first recompute)."""

    id: int
    slug: str
    version: int
    changed_at: dt.datetime
    checked_at: float  # time.monotonic() of the last validation
    generation: int = 0  # the listener subscription it was kept under (Redis mode)
    computed_version: int = 0
    computed_at: dt.datetime | None = None
    draft: bool = False  # a draft question (domain/review.py): no public read serves it

    @property
    def updating(self) -> bool:
        """Newer polls than the stored results reflect are being computed."""
        return self.computed_version < self.version

    def encode(self) -> str:
        computed_at = self.computed_at.isoformat() if self.computed_at else ""
        return (f"{self.id}|{self.version}|{self.changed_at.isoformat()}|{self.computed_version}"
                f"|{computed_at}|{int(self.draft)}")

    @classmethod
    def decode(cls, slug: str, raw: bytes | str, generation: int = 0) -> QuestionState:
        text = raw.decode() if isinstance(raw, bytes) else raw
        ident, version, changed, computed, computed_at, *draft = text.split("|")  # no draft: before 0009
        return cls(int(ident), slug, int(version), dt.datetime.fromisoformat(changed),
                   time.monotonic(), generation, int(computed),
                   dt.datetime.fromisoformat(computed_at) if computed_at else None, draft == ["1"])

    def newer_than(self, other: QuestionState) -> bool:
        return self.version > other.version or self.computed_version > other.computed_version


def states_from_database(session: SessionArg, *, slugs=None, ids=None) -> list[QuestionState]:
    statement = select(Question.id, Question.slug, Question.data_version, Question.data_changed_at,
                       Question.computed_version, Question.computed_at, Question.status)
    if slugs is not None:
        statement = statement.where(Question.slug.in_(slugs))
    if ids is not None:
        statement = statement.where(Question.id.in_(ids))
    now = time.monotonic()
    return [QuestionState(r.id, r.slug, r.data_version, r.data_changed_at, now, 0,
                          r.computed_version, r.computed_at, r.status == DRAFT)
            for r in session.execute(statement).all()]


class Versions:
    """One app's view of every question's version (see the module docstring)."""

    def __init__(self, staleness: float, redis_url: str | None, prefix: str):
        self.staleness = staleness
        self.prefix = prefix
        self.channel = prefix + "versions"
        self.redis_url = redis_url
        self.redis = None
        if redis_url:
            import redis  # here: only a deployment with Redis pays for its client (~6 MB a process)

            self.redis = redis.Redis.from_url(redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._states: dict[str, QuestionState] = {}
        self._lock = threading.Lock()
        self._listener: _Listener | None = None

    def key(self, slug: str) -> str:
        return self.prefix + "qstate:" + slug

    def clear(self) -> None:
        with self._lock:
            self._states.clear()

    def resubscribed(self) -> int:
        """A new listener subscription: anything published before it may have been
        missed, so what was kept is dropped. Returns the subscription's generation."""
        with self._lock:
            self._states.clear()
            return next(_generations)

    def keep(self, state: QuestionState) -> None:
        """Remember a state unless a newer state of the same question is known."""
        with self._lock:
            known = self._states.get(state.slug)
            if known is None or known.id != state.id or not known.newer_than(state):
                self._states[state.slug] = state

    def drop(self, slug: str) -> None:
        with self._lock:
            self._states.pop(slug, None)

    def kept(self, slug: str) -> QuestionState | None:
        with self._lock:
            return self._states.get(slug)

    def state(self, session: SessionArg, slug: str) -> QuestionState:
        """The question's id and current data version (``NotFound`` if unknown)."""
        if self.redis is not None:
            return self._state_through_redis(self.redis, session, slug)
        state = self.kept(slug)
        if state is None or time.monotonic() - state.checked_at > self.staleness:
            state = _from_database(session, slug)
            with self._lock:
                self._states[slug] = state
        return state

    def listener(self) -> _Listener:
        with self._lock:
            if self._listener is None or self._listener.pid != os.getpid():
                self._listener = _Listener(self)
            return self._listener

    def _state_through_redis(self, client: redis.Redis, session: SessionArg, slug: str) -> QuestionState:
        listener = self.listener()
        generation = listener.generation if listener.subscribed.is_set() else None
        if generation is not None:
            state = self.kept(slug)
            if (state is not None and state.generation == generation
                    and time.monotonic() - state.checked_at < TRUST_SECONDS):
                return state  # what the listener has kept: current to within message delivery
        try:
            raw = client.get(self.key(slug))
        except Exception as error:  # Redis down: fall back to the database, never fail a read
            log.warning("version signal unavailable (%s); reading the database", error)
            return _from_database(session, slug)
        if raw is not None:
            state = QuestionState.decode(slug, raw, generation or 0)
        else:
            state = _from_database(session, slug)
            try:  # only if no writer has set it meanwhile
                client.set(self.key(slug), state.encode(), nx=True, ex=KEY_SECONDS)
            except Exception as error:
                log.warning("could not record a data version in Redis: %s", error)
        if generation is not None and listener.generation == generation:
            self.keep(state)  # a newer version the listener already kept is not replaced
        return state

    def publish(self, states: list[QuestionState]) -> None:
        """Tell every worker about new data versions (Redis), and this one (memory)."""
        for state in states:
            self.keep(state)
        if self.redis is None or not states:
            return
        try:
            set_if_newer = self.redis.register_script(_SET_IF_NEWER)
            pipe = self.redis.pipeline(transaction=False)
            for state in states:
                set_if_newer(keys=[self.key(state.slug)], client=pipe,
                             args=[state.encode(), state.version, KEY_SECONDS, state.computed_version])
                pipe.publish(self.channel, f"{state.slug}|{state.encode()}")
            pipe.execute()
        except Exception as error:
            log.warning("could not publish data versions to Redis: %s", error)

    def forget(self, slug: str) -> None:
        """Drop a slug (a question renamed or removed), here and in every worker."""
        self.drop(slug)
        if self.redis is None:
            return
        try:
            pipe = self.redis.pipeline(transaction=False)
            pipe.delete(self.key(slug))
            pipe.publish(self.channel, "-" + slug)
            pipe.execute()
        except Exception as error:
            log.warning("could not drop %s from Redis: %s", slug, error)


def _from_database(session: SessionArg, slug: str) -> QuestionState:
    found = states_from_database(session, slugs=[slug])
    if not found:
        raise NotFound(f"No question with slug {slug!r}.", fields={"slug": "unknown question"})
    return found[0]


class _Listener:
    """One thread per app and process: keeps the versions other workers publish.
    ``generation`` counts subscriptions; only states kept under the current one are
    trusted without asking Redis."""

    def __init__(self, versions: Versions):
        self.versions = versions
        self.pid = os.getpid()  # a listener copied into a forked child has no thread there
        self.generation = 0
        self.subscribed = threading.Event()
        threading.Thread(target=self._run, name="pollservice-versions", daemon=True).start()

    def _run(self) -> None:
        import redis

        delay = 1.0
        while True:
            try:
                url = self.versions.redis_url
                assert url is not None, "a listener is started only with Redis"
                client = redis.Redis.from_url(url, socket_connect_timeout=0.5,
                                              health_check_interval=10)
                pubsub = client.pubsub()
                pubsub.subscribe(self.versions.channel)
                for message in pubsub.listen():
                    if message["type"] == "subscribe":
                        self.generation = self.versions.resubscribed()
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
            self.versions.drop(text[1:])
            return
        slug, _, encoded = text.partition("|")
        self.versions.keep(QuestionState.decode(slug, encoded, self.generation))
