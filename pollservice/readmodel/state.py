"""The read model's state, one per app (``app.extensions["pollservice.readmodel"]``): two
apps in one process (two "workers" in a test) never share a cache, a version or a
listener."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, current_app

from .bodies import Bodies, Memo
from .series import StoredSeries
from .versions import Versions

EXTENSION = "pollservice.readmodel"


@dataclass
class ReadModel:
    versions: Versions
    bodies: Bodies = field(default_factory=Bodies)
    memo: Memo = field(default_factory=Memo)
    series: StoredSeries = field(default_factory=StoredSeries)

    @classmethod
    def for_app(cls, app: Flask) -> ReadModel:
        return cls(Versions(staleness=float(app.config["READ_STALENESS_SECONDS"]),
                            redis_url=app.config.get("REDIS_URL"),
                            prefix=app.config["REDIS_KEY_PREFIX"]))

    def clear(self) -> None:
        """Forget everything kept in memory (the stored series in the database stay)."""
        self.versions.clear()
        self.bodies.clear()
        self.memo.clear()
        self.series.clear()


def read_model(app: Flask | None = None) -> ReadModel:
    return (app or current_app).extensions[EXTENSION]
