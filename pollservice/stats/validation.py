"""Input checking for poll frames: the one boundary where ``pollservice.stats`` validates.

:func:`pollservice.stats.fit` calls :func:`validate_polls` once, and every result of its
fit is computed from the resulting :class:`PollTable`, a set of plain numpy arrays in a
canonical row order. Sorting into a canonical order (by end date, start date, pollster,
population, sample size and percentage) is what makes every result independent of the order
of the input rows, including floating-point sums and the bootstrap draws of the lowess band.

Input frame contract (one row per poll, for one answer choice):

==============  ==========================================================================
``pollster``    str, the polling organisation
``start_date``  first field day (datetime64, ``datetime.date`` or parseable string)
``end_date``    last field day, not before ``start_date``
``sample_size`` float > 0; NaN means unknown (a stand-in is used, see
                :data:`UNKNOWN_SAMPLE_SIZE`)
``population``  one of ``"a"`` (adults), ``"rv"`` (registered voters), ``"lv"`` (likely
                voters), ``"v"`` (voters)
``pct``         share for the answer choice in percent, 0-100
``partisan``    optional bool: the poll was sponsored by a party or partisan group
                (default False; missing values are False)
``internal``    optional bool: a campaign's internal poll (default False)
``tracking``    optional bool: a release of a tracking poll, whose field window overlaps
                the pollster's other releases (default False). Its respondents are in those
                releases too, so its sample size is divided by how many of the tracker's
                releases (same pollster and population) its field days fall in on average
                (:func:`tracker_overlap`): a daily tracker's seven-day windows count once,
                not seven times
``extra_var``   optional float >= 0: error variance of the poll beyond its sampling
                variance and the method's own non-sampling term, in squared points
                (e.g. its pollster's record: :func:`~pollservice.stats.ratings.pollster_excess_variance`);
                missing values are 0. kalman and weighted weigh polls by it; lowess's line
                takes no weights (statsmodels' lowess), but its band's floor and its
                few-poll fallback do
==============  ==========================================================================

Partisan and internal polls are fitted like any other, but never define the centre of the
house effects (:mod:`pollservice.stats.kalman`). Other extra columns are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import overload

import numpy as np
import pandas as pd

__all__ = [
    "POPULATIONS",
    "DATE_RANGE",
    "FLAG_COLUMNS",
    "MAX_SPAN_DAYS",
    "REQUIRED_COLUMNS",
    "UNKNOWN_SAMPLE_SIZE",
    "PollTable",
    "validate_as_of",
    "validate_dates",
    "validate_polls",
]

REQUIRED_COLUMNS = ("pollster", "start_date", "end_date", "sample_size", "population", "pct")
#: Optional boolean columns (default False): polls that must not define the house centre.
FLAG_COLUMNS = ("partisan", "internal")
POPULATIONS = ("a", "rv", "lv", "v")

#: Sample size assumed for a poll whose size is unknown. 600 is what FiveThirtyEight's
#: ``raw-polls.csv`` uses when neither the size nor the margin of error is known; it is a
#: deliberately modest size, so a poll of unknown size never counts as a large one.
UNKNOWN_SAMPLE_SIZE = 600.0

#: Percentages are clipped to this range when they enter a sampling variance p(100 - p)/n,
#: so a poll reporting 0 % or 100 % does not claim zero sampling error.
_PCT_VARIANCE_CLIP = (1.0, 99.0)

_EPOCH = np.datetime64("1970-01-01", "D")

#: The dates a poll (or a requested day) may have: anything outside is a typo or a
#: corrupt row, and would make every daily grid span centuries.
DATE_RANGE = (np.datetime64("1900-01-01", "D"), np.datetime64("2199-12-31", "D"))
#: The longest span of field dates one fit accepts (days): a century of daily points at most.
MAX_SPAN_DAYS = 36_525


@dataclass(frozen=True)
class PollTable:
    """Validated polls as numpy arrays in canonical order (internal to ``pollservice.stats``).

    Day counts are integer days since 1970-01-01. ``position`` maps each row back to its
    position in the caller's frame, ``index`` is the caller's index in canonical order.
    """

    index: pd.Index
    position: np.ndarray
    pollster: np.ndarray
    pollster_names: np.ndarray
    start: np.ndarray
    end: np.ndarray
    population: np.ndarray
    sample_size: np.ndarray
    pct: np.ndarray
    line_pct: np.ndarray  # the line's level at each poll, for its sampling variance
    partisan: np.ndarray  # bool
    internal: np.ndarray  # bool
    extra_var: np.ndarray  # error variance beyond sampling (squared points), 0 by default
    overlap: np.ndarray  # releases of its tracker each poll's days fall in (1: not a tracker)

    @property
    def flagged(self) -> np.ndarray:
        """Partisan or internal polls: they never define the centre of house effects."""
        return self.partisan | self.internal

    @property
    def n_polls(self) -> int:
        return int(self.pct.shape[0])

    @property
    def n_pollsters(self) -> int:
        return int(self.pollster_names.shape[0])

    @property
    def mid(self) -> np.ndarray:
        """Exact field-period midpoint in (fractional) days."""
        return (self.start + self.end) / 2.0

    @property
    def mid_day(self) -> np.ndarray:
        """Field-period midpoint rounded down to a whole day."""
        return (self.start + self.end) // 2

    @property
    def n_used(self) -> np.ndarray:
        """Sample sizes with :data:`UNKNOWN_SAMPLE_SIZE` standing in for unknown ones, each
        divided by its :attr:`overlap` (a tracker's shared respondents count once)."""
        return np.where(np.isnan(self.sample_size), UNKNOWN_SAMPLE_SIZE, self.sample_size) / self.overlap

    @property
    def sampling_var(self) -> np.ndarray:
        """Binomial sampling variance of each poll in squared percentage points,
        ``p (100 - p) / n`` at the line's level ``p`` (:func:`line_levels`), not the poll's
        own percent: a poll that came out low would otherwise get a smaller variance and
        more weight, biasing small shares low by about (100 - 2p) / n."""
        p = np.clip(self.line_pct, *_PCT_VARIANCE_CLIP)
        return p * (100.0 - p) / self.n_used

    @property
    def error_var(self) -> np.ndarray:
        """The variance every method weighs a poll by: :attr:`sampling_var` plus the
        frame's ``extra_var`` (0 unless given)."""
        return self.sampling_var + self.extra_var

    def take(self, rows: np.ndarray) -> PollTable:
        """Subset by a boolean mask or sorted integer positions (keeps canonical order)."""
        rows = np.asarray(rows)
        if rows.dtype == bool:
            rows = np.flatnonzero(rows)
        used, codes = np.unique(self.pollster[rows], return_inverse=True)
        return PollTable(
            index=self.index[rows],
            position=self.position[rows],
            pollster=codes.astype(np.int64),
            pollster_names=self.pollster_names[used],
            start=self.start[rows],
            end=self.end[rows],
            population=self.population[rows],
            sample_size=self.sample_size[rows],
            pct=self.pct[rows],
            line_pct=self.line_pct[rows],
            partisan=self.partisan[rows],
            internal=self.internal[rows],
            extra_var=self.extra_var[rows],
            overlap=self.overlap[rows],
        )

    def ended_by(self, day: int) -> PollTable:
        """Polls whose end date is on or before ``day`` (the information known that day)."""
        return self.take(np.arange(int(np.searchsorted(self.end, day, side="right"))))


def days_to_datetime(days: np.ndarray) -> np.ndarray:
    """Integer days since 1970-01-01 to ``datetime64[ns]``."""
    return (np.asarray(days, dtype=np.int64).astype("timedelta64[D]") + _EPOCH).astype(
        "datetime64[ns]"
    )


def _date_column(frame: pd.DataFrame, column: str) -> np.ndarray:
    raw = frame[column]
    try:
        if isinstance(raw.dtype, pd.DatetimeTZDtype):
            raw = raw.dt.tz_localize(None)
        # format="mixed" parses each value on its own (dates, Timestamps, ISO strings)
        # instead of guessing one format from the first value, which warns.
        stamps = pd.to_datetime(raw, format="mixed")
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(f"column {column!r} holds values that are not dates, or dates outside "
                         f"{DATE_RANGE[0]}..{DATE_RANGE[1]}") from exc
    if stamps.isna().any():
        raise ValueError(f"column {column!r} has missing dates in {int(stamps.isna().sum())} rows")
    return _days(stamps.to_numpy(), repr(column))


def validate_polls(polls: pd.DataFrame) -> PollTable:
    """Check a poll frame against the input contract and return it as a :class:`PollTable`.

    Parameters
    ----------
    polls : pandas.DataFrame
        One row per poll for one answer choice; see the module docstring for the columns.

    Returns
    -------
    PollTable
        The polls in canonical order.

    Raises
    ------
    ValueError
        If a column is missing, the frame is empty, a date is missing or not a date,
        ``end_date`` is before ``start_date``, a date is outside :data:`DATE_RANGE`, the
        field dates span more than :data:`MAX_SPAN_DAYS`, a population is unknown, a sample size is
        not positive, or ``pct`` is missing or outside 0-100. The message names the problem.
    """
    _check_frame(polls)
    pollster = _pollster_column(polls)
    start = _date_column(polls, "start_date")
    end = _date_column(polls, "end_date")
    if (end < start).any():
        raise ValueError(
            f"end_date before start_date in {int((end < start).sum())} rows"
        )
    if int(end.max() - start.min()) > MAX_SPAN_DAYS:
        raise ValueError(f"the polls' field dates span {int(end.max() - start.min())} days, "
                         f"more than {MAX_SPAN_DAYS}")
    pct = _pct_column(polls)
    size = _sample_size_column(polls)
    pop = _population_column(polls)
    flags = {name: _flag_column(polls, name) for name in (*FLAG_COLUMNS, "tracking")}
    extra = extra_var_column(polls)
    table = _canonical_table(polls.index, pollster, start, end, pop, size, pct, flags, extra)
    tracking = flags["tracking"][table.position]
    if tracking.any():
        table = replace(table, overlap=tracker_overlap(
            table.pollster, table.population, table.start, table.end, tracking))
    return table


def tracker_overlap(pollster: np.ndarray, population: np.ndarray, start: np.ndarray,
                    end: np.ndarray, tracking: np.ndarray) -> np.ndarray:
    """Per poll, how many releases of its tracker (the ``tracking`` polls of one pollster
    and population) share its respondents: 1 for a poll that is not a tracking release.

    Only the releases known when it ended count (those that ended by its end day), so a
    real-time average on a day never depends on later releases. Over its field days, the
    mean number of earlier releases covering a day counts twice (in a steady tracker the
    releases after it mirror those before) and the releases ending the same day, itself
    included, once: a seven-day daily tracker's release has 2 (6 + 5 + ... + 1) / 7 + 1 = 7.
    ``start`` and ``end`` are integer days. Vectorised over the pairs that overlap.
    """
    factor = np.ones(start.shape[0])
    releases = np.flatnonzero(tracking)
    if releases.size == 0:
        return factor
    keys = pd.Series(pollster[releases]).astype(str) + "|" + pd.Series(population[releases]).astype(str)
    for members in pd.Series(releases).groupby(keys.to_numpy()).indices.values():
        rows = releases[members]
        rows = rows[np.argsort(end[rows], kind="stable")]
        s, e = start[rows].astype(np.int64), end[rows].astype(np.int64)
        # pairs (p, q): q ended within p's field period (on or before p's end, not before its start)
        first = np.searchsorted(e, s, side="left")
        last = np.searchsorted(e, e, side="right")
        counts = last - first
        p = np.repeat(np.arange(rows.size), counts)
        q = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(first, counts)
        shared = np.maximum(np.minimum(e[q], e[p]) - np.maximum(s[q], s[p]) + 1, 0)
        mirrored = np.where(e[q] < e[p], 2.0, 1.0)  # an earlier release stands for a later one too
        factor[rows] = np.bincount(p, weights=mirrored * shared, minlength=rows.size) / (e - s + 1)
    return factor


def extra_var_column(polls: pd.DataFrame) -> np.ndarray:
    """The optional ``extra_var`` column: finite and >= 0; missing (or no column) is 0."""
    if "extra_var" not in polls.columns:
        return np.zeros(len(polls))
    raw = polls["extra_var"]
    extra = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    if (np.isnan(extra) & raw.notna().to_numpy()).any():
        raise ValueError("extra_var is not a number in some rows (use NaN or 0 for none)")
    extra = np.nan_to_num(extra, nan=0.0, posinf=np.inf)
    if (extra < 0).any() or np.isinf(extra).any():
        raise ValueError("extra_var < 0 (or infinite) in some rows: it is a variance")
    return extra


def _flag_column(polls: pd.DataFrame, column: str) -> np.ndarray:
    """An optional yes/no column as booleans: True/False, 1/0; missing (or no column) is
    False."""
    if column not in polls.columns:
        return np.zeros(len(polls), dtype=bool)
    raw = polls[column]
    known = raw.notna().to_numpy()
    values = raw[known].tolist()
    bad = [v for v in values if not (isinstance(v, bool | np.bool_)
                                     or (isinstance(v, int | float | np.number) and v in (0, 1)))]
    if bad:
        raise ValueError(f"column {column!r} must hold booleans (True/False or 1/0), "
                         f"not e.g. {bad[0]!r}, in {len(bad)} rows")
    flags = np.zeros(len(polls), dtype=bool)
    flags[known] = np.asarray(values, dtype=bool)
    return flags


def _check_frame(polls) -> None:
    if not isinstance(polls, pd.DataFrame):
        raise ValueError(f"polls must be a pandas DataFrame, not {type(polls).__name__}")
    missing = [c for c in REQUIRED_COLUMNS if c not in polls.columns]
    if missing:
        raise ValueError(f"polls frame is missing column(s): {', '.join(missing)}")
    if len(polls) == 0:
        raise ValueError("polls frame is empty: at least one poll is needed")


def _pollster_column(polls: pd.DataFrame) -> pd.Series:
    pollster = polls["pollster"]
    if pollster.isna().any():
        raise ValueError(f"column 'pollster' is missing in {int(pollster.isna().sum())} rows")
    pollster = pollster.astype(str).str.strip()
    if (pollster == "").any():
        raise ValueError("column 'pollster' is empty in some rows")
    return pollster


def _pct_column(polls: pd.DataFrame) -> np.ndarray:
    pct = pd.to_numeric(polls["pct"], errors="coerce").to_numpy(dtype=float)
    if np.isnan(pct).any():
        raise ValueError("pct is NaN or not a number in some rows")
    if ((pct < 0) | (pct > 100)).any():
        bad = pct[(pct < 0) | (pct > 100)][0]
        raise ValueError(f"pct outside 0-100 (e.g. {bad:g}) in some rows")
    return pct


def _sample_size_column(polls: pd.DataFrame) -> np.ndarray:
    size_raw = polls["sample_size"]
    size = pd.to_numeric(size_raw, errors="coerce").to_numpy(dtype=float)
    not_numeric = np.isnan(size) & size_raw.notna().to_numpy()
    if not_numeric.any():
        raise ValueError("sample_size is not a number in some rows (use NaN for unknown)")
    if (size <= 0).any() or np.isinf(size).any():
        raise ValueError("sample_size <= 0 (or infinite) in some rows; use NaN for unknown")
    return size


def _population_column(polls: pd.DataFrame) -> pd.Series:
    """Populations, stripped and lower-cased, all one of :data:`POPULATIONS`."""
    population = polls["population"]
    pop_ok = population.notna()
    pop = population.astype(str).str.strip().str.lower()
    unknown = ~pop.isin(POPULATIONS) | ~pop_ok
    if unknown.any():
        example = population[unknown].iloc[0]
        raise ValueError(
            f"unknown population {example!r}; expected one of {', '.join(POPULATIONS)}"
        )
    return pop


def _canonical_table(index: pd.Index, pollster: pd.Series, start: np.ndarray,
                     end: np.ndarray, pop: pd.Series, size: np.ndarray,
                     pct: np.ndarray, flags: dict[str, np.ndarray], extra: np.ndarray) -> PollTable:
    """The checked columns as a :class:`PollTable` in canonical row order."""
    names, codes = np.unique(pollster.to_numpy(dtype=str), return_inverse=True)
    pop_codes = np.searchsorted(np.array(sorted(POPULATIONS)), pop.to_numpy(dtype=str))
    size_key = np.where(np.isnan(size), -1.0, size)
    # np.lexsort sorts by the last key first: end date, start date, pollster, population,
    # sample size, pct, extra variance, flags. Rows equal in all of these are interchangeable
    # for every method.
    order = np.lexsort((flags["tracking"], flags["internal"], flags["partisan"], extra, pct, size_key,
                        pop_codes, codes, start, end))
    return PollTable(
        index=index[order],
        position=order.astype(np.int64),
        pollster=codes[order].astype(np.int64),
        pollster_names=names,
        start=start[order],
        end=end[order],
        population=pop.to_numpy(dtype=str)[order],
        sample_size=size[order],
        pct=pct[order],
        line_pct=line_levels(end[order], pct[order]),
        partisan=flags["partisan"][order],
        internal=flags["internal"][order],
        extra_var=extra[order],
        overlap=np.ones(order.shape[0]),
    )


#: Polls that the pilot level of :func:`line_levels` averages.
LINE_LEVEL_POLLS = 10


def line_levels(end: np.ndarray, pct: np.ndarray) -> np.ndarray:
    """Level of the line at each poll (sorted by end date), for its sampling variance.

    The mean of the :data:`LINE_LEVEL_POLLS` polls that ended before the poll's end day
    (the polls of the first end day: their own mean). It uses only polls known before the
    poll, so it is the same for a real-time line's subsets, and it does not depend on the
    poll's own sampling error, which is what keeps the weights unbiased.
    """
    first_of_day = np.searchsorted(end, end, side="left")
    cumulative = np.r_[0.0, np.cumsum(pct)]
    lo = np.maximum(first_of_day - LINE_LEVEL_POLLS, 0)
    count = first_of_day - lo
    first_day = end == end[0]
    first_mean = float(pct[first_day].mean())
    with np.errstate(invalid="ignore", divide="ignore"):
        levels = (cumulative[first_of_day] - cumulative[lo]) / count
    return np.where(count > 0, levels, first_mean)


@overload
def validate_dates(dates: None) -> None: ...
@overload
def validate_dates(dates: Iterable) -> np.ndarray: ...
def validate_dates(dates: Iterable | None) -> np.ndarray | None:
    """Convert an iterable of dates to sorted unique integer days (``None`` passes through)."""
    if dates is None:
        return None
    if isinstance(dates, str):
        raise ValueError("dates must be an iterable of dates, not a single string")
    values = list(dates)
    if not values:
        return np.empty(0, dtype=np.int64)
    try:
        stamps = pd.to_datetime(pd.Series(values, dtype=object), format="mixed")
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError("dates holds values that are not dates") from exc
    if stamps.isna().any():
        raise ValueError("dates holds missing values")
    if stamps.dt.tz is not None:
        stamps = stamps.dt.tz_localize(None)
    return np.unique(_days(stamps.to_numpy(), "dates"))


def _days(stamps: np.ndarray, name: str) -> np.ndarray:
    """Datetimes (any resolution: converted straight to days, never through nanoseconds,
    which wrap outside 1677-2262) as integer days, all within :data:`DATE_RANGE`."""
    days = stamps.astype("datetime64[D]")
    outside = (days < DATE_RANGE[0]) | (days > DATE_RANGE[1])
    if outside.any():
        raise ValueError(f"{name} has dates outside {DATE_RANGE[0]}..{DATE_RANGE[1]} "
                         f"(e.g. {days[outside][0]}) in {int(outside.sum())} rows")
    return (days - _EPOCH).astype(np.int64)


def validate_as_of(as_of) -> int | None:
    """Convert one date to an integer day (``None`` passes through)."""
    if as_of is None:
        return None
    days = validate_dates([as_of])
    return int(days[0])
