"""A question's polls as the statistics fit them: every poll of another population than the
question's target (``domain.versions.target_population``: likely voters for a race, adults
for a topic, or the most preferred population its polls hold) moved to the target by the gap
that polls reported for both populations measured (``stats.populations``). The charts' dots
stay the polls as published (``readmodel.frames.poll_frames``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from .. import stats
from ..domain.margins import Pair
from ..domain.versions import target_population
from ..extensions import SessionArg
from ..models import Question
from ..readmodel.frames import population_versions
from .margins import pair_frame


@dataclass
class FitFrames:
    """``shares``: per choice, the poll frame to fit; ``pair(pair)``: a margin's frame."""

    raw: dict[str, pd.DataFrame]
    versions: dict[str, pd.DataFrame]
    target: str | None

    @cached_property
    def shares(self) -> dict[str, pd.DataFrame]:
        return {name: self._adjusted(frame, self.versions.get(name)) for name, frame in self.raw.items()}

    def pair(self, pair: Pair) -> pd.DataFrame:
        versions = None
        a, b = self.versions.get(pair.a), self.versions.get(pair.b)
        if a is not None and b is not None:
            versions = a.rename(columns={"pct": "pct_a"}).merge(
                b[["version_group", "population", "pct"]].rename(columns={"pct": "pct_b"}),
                on=["version_group", "population"])
        return self._adjusted(pair_frame(self.raw, pair), versions)

    def _adjusted(self, frame: pd.DataFrame, versions: pd.DataFrame | None) -> pd.DataFrame:
        if self.target is None or frame.empty or (frame["population"] == self.target).all():
            return frame
        margin = "pct_a" in frame.columns
        if versions is None or versions.empty:
            versions = pd.DataFrame(columns=["version_group", "population", "end_date", "sample_size",
                                             *(("pct_a", "pct_b") if margin else ("pct",))])
        return stats.to_population(frame, stats.population_gaps(versions, self.target), self.target)


def fit_frames(session: SessionArg, question: Question, raw: dict[str, pd.DataFrame]) -> FitFrames:
    """The frames the statistics fit for ``question``, from its ``poll_frames``."""
    populations = pd.concat([f["population"] for f in raw.values()]) if raw else pd.Series([], dtype=str)
    target = target_population(populations.dropna().unique(), question.race_id is not None)
    return FitFrames(raw=raw, versions=population_versions(session, question) if target else {},
                     target=target)
