"""Simulated polls with a known truth, for known-truth tests and benchmarks.

The generating model is the one :mod:`pollservice.stats.kalman` assumes (Jackman 2005),
made a little more realistic: true opinion is a daily random walk; each poll has a field
period of 1-7 days and measures the mean truth over it, plus its pollster's house effect,
plus non-sampling noise, plus binomial sampling noise from its real sample size. Pollsters
publish at very different rates (a few trackers, many occasional pollsters), and a share of
the polls report no sample size.

Sample sizes are log-normal around 800 (200 to 5,000). A pollster's share of the polls is
drawn from a Dirichlet(0.7) distribution, so a few pollsters publish most polls, as trackers
do. Populations are drawn at random and have no effect, except in
:func:`simulate_populations`, where registered voters differ from likely voters.

A partisan pollster can be added (``partisan_share`` > 0): a pollster named "Partisan"
whose polls, a given share of all polls chosen at random, are flagged ``partisan`` and lean
by ``partisan_effect`` points from the centre of the other pollsters (the line's target).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .kalman import KalmanParams, centring_weights

__all__ = ["Events", "simulate_pair", "simulate_polls", "simulate_populations"]


def simulate_polls(
    n_days: int = 365, n_polls: int = 300, pollsters: Mapping[str, float] | int = 8,
    start_level: float = 45.0, walk_sd: float = 0.2, nonsampling_sd: float = 1.0,
    unknown_size_share: float = 0.1, seed: int | None = 0, *, house_sd: float = 2.0,
    start_date="2024-01-01", centre_half_count: float = KalmanParams().centre_half_count,
    partisan_share: float = 0.0, partisan_effect: float = 5.0, events: Events | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate polls of one answer choice around a random-walk truth.

    Parameters
    ----------
    n_days, n_polls : int
        Length of the period in days, and number of polls.
    pollsters : mapping of str to float, or int
        Pollster names and their house effects (percentage points), or a number of
        pollsters whose effects are drawn from N(0, ``house_sd``). Either way the effects
        are re-centred by the convention of :func:`pollservice.stats.house_effects`
        (weighted sum zero over the pollsters that publish, weights
        ``n / (n + centre_half_count)``), so the truth is comparable with the estimates.
    start_level : float (true opinion on the first day, percent)
    walk_sd, nonsampling_sd : float
        Sd of the daily random-walk step and of each poll's non-sampling error (points).
    unknown_size_share : float
        Share of polls whose ``sample_size`` is reported as NaN (still sampled).
    seed : int or None (seed of ``numpy.random.default_rng``)
    house_sd : float (spread of the drawn house effects when ``pollsters`` is an int)
    start_date : date-like (the first day)
    centre_half_count : float (as :class:`~pollservice.stats.KalmanParams`)
    partisan_share, partisan_effect : float
        Share of the polls (default 0) of a pollster "Partisan" leaning this many points
        from the others' centre; see the module docstring.
    events : Events, optional (a sudden real shift, outlying polls; default none)

    Returns
    -------
    polls : pandas.DataFrame
        The input contract of :mod:`pollservice.stats` (``pollster``, ``start_date``,
        ``end_date``, ``sample_size``, ``population``, ``pct``) plus the extra column
        ``house_effect`` (the centred truth), which the methods ignore (and ``partisan``).
    truth : pandas.DataFrame
        ``date`` (every day of the period) and ``truth`` (percent). The module docstring
        says how sizes, shares and populations are drawn.
    """
    _check_counts(n_days, n_polls, unknown_size_share, partisan_share)
    rng = np.random.default_rng(seed)
    names, effects = _pollsters(pollsters, house_sd, rng)
    events = events or Events()
    truth = events.shifted(_random_walk(start_level, walk_sd, n_days, rng))
    which, effects = _publishers(effects, n_polls, centre_half_count, rng)
    names, effects, which, partisan = _partisan(names, effects, which, partisan_share,
                                                partisan_effect, centre_half_count, rng)
    start, end, field_truth = _field_periods(truth, n_polls, rng)
    pct, reported_size = _poll_results(field_truth + effects[which], nonsampling_sd,
                                       unknown_size_share, rng)
    columns = {"pollster": names[which], "start_date": start, "end_date": end,
               "sample_size": reported_size, "population": rng.choice(POPULATIONS, n_polls),
               "pct": pct, "house_effect": effects[which],
               **({"partisan": partisan} if partisan_share > 0 else {})}
    columns.update(events.outliers(pct, rng))  # drawn last: the rest of a seed's series stays
    return _frames(columns, truth, pd.Timestamp(start_date).normalize())


POPULATIONS = np.array(["a", "rv", "lv", "v"])


@dataclass(frozen=True)
class Events:
    """What happens to a simulated series besides its walk: the truth shifts by ``jump``
    points on day ``jump_day`` (None: never), and a share ``outlier_share`` of the polls,
    drawn at random, is off by a uniform draw from ``outlier_size`` points, up or down
    (flagged in the polls' column ``outlier``)."""

    jump: float = 0.0
    jump_day: int | None = None
    outlier_share: float = 0.0
    outlier_size: tuple[float, float] = (10.0, 15.0)

    def shifted(self, truth: np.ndarray) -> np.ndarray:
        if self.jump_day is not None:
            truth[int(self.jump_day):] += self.jump
        return truth

    def outliers(self, pct: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """The columns ``pct`` (with the outliers) and ``outlier``; none without outliers."""
        if self.outlier_share <= 0:
            return {}
        outlier = rng.random(pct.size) < self.outlier_share
        off = rng.uniform(*self.outlier_size, size=pct.size) * rng.choice([-1.0, 1.0], size=pct.size)
        return {"pct": np.clip(pct + np.where(outlier, off, 0.0), 0.0, 100.0), "outlier": outlier}


def _check_counts(n_days: int, n_polls: int, unknown_size_share: float,
                  partisan_share: float = 0.0) -> None:
    if n_days < 1 or n_polls < 1:
        raise ValueError("n_days and n_polls must be at least 1")
    if not 0.0 <= unknown_size_share <= 1.0:
        raise ValueError("unknown_size_share must be between 0 and 1")
    if not 0.0 <= partisan_share < 1.0:
        raise ValueError("partisan_share must be at least 0 and below 1")


def _frames(columns: dict, truth: np.ndarray, first: pd.Timestamp):
    """The polls frame (field days as dates from ``first``, sorted by end date and
    pollster) and the truth frame."""
    polls = pd.DataFrame(
        {**columns,
         "start_date": first + pd.to_timedelta(columns["start_date"], unit="D"),
         "end_date": first + pd.to_timedelta(columns["end_date"], unit="D")}
    )
    polls = polls.sort_values(["end_date", "pollster"], kind="mergesort").reset_index(drop=True)
    truth_frame = pd.DataFrame(
        {"date": first + pd.to_timedelta(np.arange(truth.size), unit="D"), "truth": truth}
    )
    return polls, truth_frame


# The helpers below draw from ``rng`` in the order simulate_polls calls them; that order is
# part of what a seed means, so reordering them changes every simulated series.


def _pollsters(pollsters: Mapping[str, float] | int, house_sd: float,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Pollster names and (uncentred) house effects, given or drawn."""
    if isinstance(pollsters, Mapping):
        if not pollsters:
            raise ValueError("pollsters must name at least one pollster")
        names = np.array([str(name) for name in pollsters], dtype=object)
        effects = np.array([float(v) for v in pollsters.values()])
    else:
        count = int(pollsters)
        if count < 1:
            raise ValueError("pollsters must be at least 1")
        names = np.array([f"Pollster {i + 1:02d}" for i in range(count)], dtype=object)
        effects = rng.normal(0.0, house_sd, size=count)
    return names, effects


def _random_walk(start_level: float, walk_sd: float, n_days: int,
                 rng: np.random.Generator) -> np.ndarray:
    """True opinion on each day: a random walk from ``start_level``."""
    steps = rng.normal(0.0, walk_sd, size=n_days)
    steps[0] = 0.0
    return start_level + np.cumsum(steps)


def _publishers(effects: np.ndarray, n_polls: int, centre_half_count: float,
                rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The pollster of each poll (Dirichlet shares) and the house effects centred on them."""
    share = rng.dirichlet(np.full(effects.size, 0.7))
    which = rng.choice(effects.size, size=n_polls, p=share)
    # Centre as pollservice.stats.house_effects does, over the pollsters that published:
    # a pollster without polls is invisible to any estimator.
    centre = centring_weights(np.bincount(which, minlength=effects.size), centre_half_count)
    return which, effects - centre @ effects


def _partisan(names: np.ndarray, effects: np.ndarray, which: np.ndarray, share: float,
              effect: float, centre_half_count: float, rng: np.random.Generator):
    """Give a share of the polls to a partisan pollster leaning ``effect`` from the others'
    centre; the others' effects are centred again on the polls left to them. No share:
    nothing changes (and nothing is drawn)."""
    if share <= 0:
        return names, effects, which, np.zeros(which.size, dtype=bool)
    partisan = rng.random(which.size) < share
    which = np.where(partisan, effects.size, which)
    centre = centring_weights(np.bincount(which[~partisan], minlength=effects.size),
                              centre_half_count)
    names = np.r_[names, np.array(["Partisan"], dtype=object)]
    return names, np.r_[effects - centre @ effects, effect], which, partisan


def _field_periods(truth: np.ndarray, n_polls: int, rng: np.random.Generator):
    """First and last field day of each poll (1-7 days) and the mean truth over them."""
    n_days = truth.size
    field_days = rng.integers(1, 8, size=n_polls)
    field_days = np.minimum(field_days, n_days)
    start = rng.integers(0, n_days - field_days + 1)
    end = start + field_days - 1
    cumulative = np.concatenate([[0.0], np.cumsum(truth)])
    return start, end, (cumulative[end + 1] - cumulative[start]) / field_days


def _poll_results(expected: np.ndarray, nonsampling_sd: float, unknown_size_share: float,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Reported percentages (non-sampling and binomial noise around ``expected``, the
    field truth plus house effect) and reported sample sizes (NaN for a share)."""
    n_polls = expected.size
    size = np.clip(np.round(np.exp(rng.normal(np.log(800.0), 0.5, size=n_polls))), 200, 5000)
    mean_pct = expected + rng.normal(0.0, nonsampling_sd, size=n_polls)
    p = np.clip(mean_pct, 0.5, 99.5) / 100.0
    pct = 100.0 * rng.binomial(size.astype(np.int64), p) / size
    reported_size = np.where(rng.random(n_polls) < unknown_size_share, np.nan, size)
    return pct, reported_size


def simulate_pair(
    n_days: int = 365, n_polls: int = 300, pollsters: Mapping[str, float] | int = 8,
    start_a: float = 46.0, start_b: float = 42.0, swing_sd: float = 0.25,
    others_sd: float = 0.05, nonsampling_sd: float = 1.0, unknown_size_share: float = 0.1,
    seed: int | None = 0, *, house_sd: float = 3.0, start_date="2024-01-01",
    centre_half_count: float = KalmanParams().centre_half_count,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate polls of two answer choices of one sample, with a known true margin.

    The truth is a random walk of the swing between A and B (``swing_sd`` a day: what A
    gains, B loses, so the shares are negatively correlated) plus a smaller walk of B
    against the other answers (``others_sd``). Each poll draws its respondents from a
    multinomial over (A, B, other) at the mean truth of its field period plus its
    pollster's house effect on the margin (half towards A, half away from B) and
    non-sampling noise on the margin (sd ``nonsampling_sd``, split the same way). Field
    periods, sample sizes, pollsters' shares and populations are drawn as by
    :func:`simulate_polls`.

    Returns
    -------
    polls : pandas.DataFrame
        ``pollster, start_date, end_date, sample_size, population, pct_a, pct_b`` and
        ``house_effect`` (the centred true house effect on the margin).
    truth : pandas.DataFrame
        ``date``, ``truth_a``, ``truth_b`` and ``truth`` (the margin ``truth_a - truth_b``).
    """
    _check_counts(n_days, n_polls, unknown_size_share)
    rng = np.random.default_rng(seed)
    names, effects = _pollsters(pollsters, house_sd, rng)
    swing = _random_walk(0.0, swing_sd, n_days, rng)
    others = _random_walk(0.0, others_sd, n_days, rng)
    truth_a, truth_b = start_a + swing, start_b - swing + others
    which, effects = _publishers(effects, n_polls, centre_half_count, rng)
    start, end, field_a = _field_periods(truth_a, n_polls, rng)
    cumulative_b = np.concatenate([[0.0], np.cumsum(truth_b)])
    field_b = (cumulative_b[end + 1] - cumulative_b[start]) / (end - start + 1)
    shift = (effects[which] + rng.normal(0.0, nonsampling_sd, size=n_polls)) / 2.0
    size = np.clip(np.round(np.exp(rng.normal(np.log(800.0), 0.5, size=n_polls))), 200, 5000)
    p_a = np.clip(field_a + shift, 0.5, 99.0) / 100.0
    p_b = np.clip(field_b - shift, 0.5, 99.0) / 100.0
    p_b = np.minimum(p_b, 0.995 - p_a)
    counts = np.array([rng.multinomial(int(k), [pa, pb, 1.0 - pa - pb])
                       for k, pa, pb in zip(size, p_a, p_b, strict=True)])
    reported_size = np.where(rng.random(n_polls) < unknown_size_share, np.nan, size)
    columns = {"pollster": names[which], "start_date": start, "end_date": end,
               "sample_size": reported_size,
               "population": rng.choice(np.array(["a", "rv", "lv", "v"]), size=n_polls),
               "pct_a": 100.0 * counts[:, 0] / size, "pct_b": 100.0 * counts[:, 1] / size,
               "house_effect": effects[which]}
    polls, truth = _frames(columns, truth_a - truth_b, pd.Timestamp(start_date).normalize())
    truth["truth_a"], truth["truth_b"] = truth_a, truth_b
    return polls, truth[["date", "truth_a", "truth_b", "truth"]]


#: The likely voters' share of a registered-voter sample in :func:`simulate_populations`.
LIKELY_SHARE = 0.7


def simulate_populations(gap: float = 2.0, gap_spread: float = 0.7, reporting_both: float = 0.5,
                         seed: int | None = 0, **kwargs) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Polls of likely voters (the truth) and of registered voters, who sit ``gap`` points
    higher (plus ``N(0, gap_spread)`` from poll to poll).

    The polls of :func:`simulate_polls` (``kwargs`` go to it) are likely-voter samples. A
    share ``reporting_both`` of the pollsters (drawn at random) report each poll for both
    populations: the likely voters are ``LIKELY_SHARE`` of a registered-voter sample, whose
    share differs from theirs by the gap and the sampling noise of the other respondents.
    The other pollsters report registered voters only. The counted version of a poll is
    its likely-voter one where there is one (a race's preference).

    Returns
    -------
    polls : pandas.DataFrame
        The counted versions (population ``lv`` or ``rv``), as :func:`simulate_polls`.
    versions : pandas.DataFrame
        Both versions of the polls of the pollsters that report both: ``version_group``,
        ``population``, ``end_date``, ``sample_size``, ``pct``.
    truth : pandas.DataFrame
        ``date`` and ``truth`` (the likely voters' opinion).
    """
    polls, truth = simulate_polls(seed=seed, **kwargs)
    rng = np.random.default_rng(None if seed is None else seed + 7919)
    names = np.unique(polls["pollster"].to_numpy())
    both = rng.choice(names, size=int(round(reporting_both * names.size)), replace=False)
    n_likely = polls["sample_size"].fillna(800.0).to_numpy(dtype=float)
    n_registered = n_likely / LIKELY_SHARE
    p = np.clip(polls["pct"].to_numpy(dtype=float), 1.0, 99.0)
    noise = np.sqrt(p * (100.0 - p) * (1.0 / n_likely - 1.0 / n_registered))
    registered = np.clip(polls["pct"] + gap + rng.normal(0.0, gap_spread, len(polls))
                         + rng.normal(0.0, 1.0, len(polls)) * noise, 0.0, 100.0)
    reports_both = polls["pollster"].isin(both).to_numpy()
    counted = polls.copy()
    counted["population"] = np.where(reports_both, "lv", "rv")
    counted["pct"] = np.where(reports_both, polls["pct"], registered)
    counted["sample_size"] = np.where(reports_both, polls["sample_size"],
                                      polls["sample_size"] / LIKELY_SHARE)
    group = np.arange(len(polls))[reports_both]
    versions = pd.concat([
        pd.DataFrame({"version_group": group, "population": "lv", "end_date": polls["end_date"][reports_both],
                      "sample_size": polls["sample_size"][reports_both], "pct": polls["pct"][reports_both]}),
        pd.DataFrame({"version_group": group, "population": "rv", "end_date": polls["end_date"][reports_both],
                      "sample_size": polls["sample_size"][reports_both] / LIKELY_SHARE,
                      "pct": registered[reports_both]})], ignore_index=True)
    return counted, versions, truth
