"""A question's polls as the statistics fit them: every poll of another population than the
question's target (``domain.versions.target_population``: likely voters for a race, adults
for a topic, or the most preferred population its polls hold) moved to the target by the gap
that polls reported for both populations measured (``stats.populations``). The charts' dots
stay the polls as published (``readmodel.frames.poll_frames``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from .. import stats
from ..domain.margins import Pair
from ..domain.versions import target_population
from ..extensions import SessionArg
from ..models import Question
from ..readmodel.frames import population_versions
from .margins import pair_frame


def population_moves(frame: pd.DataFrame) -> np.ndarray:
    """Each poll's move to the question's population (points, in ``frame``'s row order):
    the fitted value less the poll as published; 0 where the frame was not moved."""
    if "population_adjustment" not in frame.columns:
        return np.zeros(len(frame))
    return frame["population_adjustment"].to_numpy(dtype=float)


@dataclass
class FitFrames:
    """``shares``: per choice, the poll frame to fit; ``pair(pair)``: a margin's frame."""

    raw: dict[str, pd.DataFrame]
    versions: dict[str, pd.DataFrame]
    target: str | None

    @cached_property
    def shares(self) -> dict[str, pd.DataFrame]:
        moved = {}
        for name, frame in self.raw.items():
            target = self._target_of(frame)
            moved[name] = frame if target is None else _moved(frame, self.versions[name], target)
        return moved

    def pair(self, pair: Pair) -> pd.DataFrame:
        frame = pair_frame(self.raw, pair)
        target = self._target_of(frame)
        if target is None:
            return frame
        versions = self.versions[pair.a].rename(columns={"pct": "pct_a"}).merge(
            self.versions[pair.b][["version_group", "population", "pct"]].rename(columns={"pct": "pct_b"}),
            on=["version_group", "population"])
        return _moved(frame, versions, target)

    def _target_of(self, frame: pd.DataFrame) -> str | None:
        """The target, if ``frame`` holds a poll of another population (else None: nothing moves)."""
        if self.target is None or frame.empty or (frame["population"] == self.target).all():
            return None
        return self.target


def _moved(frame: pd.DataFrame, versions: pd.DataFrame, target: str) -> pd.DataFrame:
    return stats.to_population(frame, stats.population_gaps(versions, target), target)


def fit_frames(session: SessionArg, question: Question, raw: dict[str, pd.DataFrame]) -> FitFrames:
    """The frames the statistics fit for ``question``, from its ``poll_frames``."""
    populations = pd.concat([f["population"] for f in raw.values()]) if raw else pd.Series([], dtype=str)
    target = target_population(populations.dropna().unique(), question.race_id is not None)
    return FitFrames(raw=raw, versions=population_versions(session, question) if target else {},
                     target=target)
