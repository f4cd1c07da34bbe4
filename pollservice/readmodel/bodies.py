"""Worker-local caches of what reads build, all keyed by a question's data version, so a
new version makes new keys and old entries age out (nothing is ever invalidated by hand).

- ``Bodies``: serialized responses (JSON, PNG, SVG) with their gzip form, bounded in bytes.
- ``Memo``: objects built from the store, e.g. a chart's poll dots.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from cachetools import LRUCache

Body = tuple[bytes, str | None, bytes | None]  # (body, mimetype, gzipped body or None)


class Bodies:
    def __init__(self, max_bytes: int = 64 * 1024 * 1024):
        self._entries: LRUCache = LRUCache(
            maxsize=max_bytes, getsizeof=lambda entry: len(entry[0]) + len(entry[2] or b"") + 200)
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Body | None:
        with self._lock:
            return self._entries.get(key)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def put(self, key: tuple, body: Body) -> None:
        with self._lock:
            self._entries[key] = body

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class Memo:
    def __init__(self, size: int = 64):
        self._entries: LRUCache = LRUCache(maxsize=size)
        self._lock = threading.Lock()

    def get(self, key: tuple, build: Callable[[], Any]) -> Any:
        """``build()``, remembered under ``key``, which must carry the data version of
        what it reads (two requests may build the same entry at once; both are equal)."""
        with self._lock:
            value = self._entries.get(key)
        if value is None:
            value = build()
            with self._lock:
                self._entries[key] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
