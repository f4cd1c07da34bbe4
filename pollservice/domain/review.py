"""Review before publish: the states of polls, questions and races, and the rule that
holds a new poll for a reviewer.

A poll is ``published`` (counted), ``held`` (waiting for a reviewer: counted in nothing,
shown to nobody but the newsroom) or ``rejected`` (with the reviewer's note). A question
or race made in the admin is a ``draft`` until it is published; rows that existed before
review (migration 0009), the demo data, imports and the CLI are ``published``.

A new poll is held when its pollster is seen for the first time (no published poll of
any question), or when one of its answers is more than ``k`` standard errors from the
question's current average after its pollster's house effect::

    z = (pct - house_effect - average) / sqrt(se_poll**2 + se_average**2)

with ``se_poll = 100 * sqrt(p (1 - p) / n)`` (``n``: the poll's sample size, or
``UNKNOWN_SAMPLE_SIZE`` as the statistics assume, ``stats.validation``) and
``se_average`` the stored average's 95% interval divided by ``2 * 1.96``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

PUBLISHED, HELD, REJECTED, DRAFT = "published", "held", "rejected", "draft"
POLL_STATUSES = (PUBLISHED, HELD, REJECTED)
CONTENT_STATUSES = (DRAFT, PUBLISHED)
UNKNOWN_SAMPLE_SIZE = 600  # the stand-in of pollservice.stats.validation (a test checks)
Z_95 = 1.959964


@dataclass(frozen=True)
class StoredAverage:
    """One choice's current average (points) and its 95% interval."""

    estimate: float
    lower: float
    upper: float

    @property
    def standard_error(self) -> float:
        return max(self.upper - self.lower, 0.0) / (2 * Z_95)


def poll_standard_error(pct: float, sample_size: int | None) -> float:
    """The sampling error of one percent, in points (``UNKNOWN_SAMPLE_SIZE`` when unknown)."""
    share = min(max(pct / 100, 0.01), 0.99)  # a share of 0 or 100 still has some error
    return 100 * math.sqrt(share * (1 - share) / (sample_size or UNKNOWN_SAMPLE_SIZE))


def outlier_reasons(results: Mapping[str, float], sample_size: int | None,
                    averages: Mapping[str, StoredAverage | None],
                    house_effects: Mapping[str, float], k: float) -> list[str]:
    """Why this poll is far from the current average: one sentence per answer more than
    ``k`` standard errors from it after the pollster's house effect (points, per choice;
    0 for a pollster the fit does not know). An answer with no average is not judged."""
    reasons = []
    for name, pct in results.items():
        average = averages.get(name)
        if average is None:
            continue
        effect = house_effects.get(name, 0.0)
        error = math.hypot(poll_standard_error(pct, sample_size), average.standard_error)
        z = (pct - effect - average.estimate) / error
        if abs(z) > k:
            reasons.append(f"{name} {pct:g}% is {abs(z):.1f} standard errors from the current "
                           f"average {average.estimate:.1f}% (house effect {effect:+.1f}; "
                           f"more than {k:g} are held)")
    return reasons


def first_pollster_reason(pollster: str) -> str:
    return f"first poll from {pollster} (a pollster seen for the first time)"
