"""Frames in: `ChoiceSeries` validated once and converted to float arrays."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib import colors as mcolors
from matplotlib import dates as mdates

from .style import PALETTE

FORMATS = ("png", "svg")

# Characters XML 1.0 forbids; a control character in a pollster name must not make
# the SVG unparseable.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class ChoiceSeries:
    """One answer choice: its trend and the polls behind it.

    Parameters
    ----------
    name : str
        The answer choice, e.g. ``"Support"``.
    trend : pandas.DataFrame
        Columns ``date`` (datetime64), ``estimate``, ``lower``, ``upper`` (percent).
        ``lower``/``upper`` may be absent (no band is drawn). NaN marks a gap. May be
        empty.
    polls : pandas.DataFrame
        Columns ``date`` (datetime64, the poll's field midpoint), ``pct`` and
        ``weight`` (>= 0; absent or all equal gives equal dots). May be empty.
    color : str, optional
        The choice's colour (e.g. its party's, ``"#2166ac"``); default: the palette
        colour of its position.
    result : float, optional
        The choice's actual result (share of the vote, or the margin on a margin chart),
        drawn as a diamond on the Election Day line of `ChartMarks`.
    """

    name: str
    trend: pd.DataFrame
    polls: pd.DataFrame
    color: str | None = None
    result: float | None = None


@dataclass(frozen=True)
class ChartMarks:
    """Dated marks across a trend chart.

    Parameters
    ----------
    election_day : datetime.date, optional
        A dashed line labelled "Election Day" (the x axis reaches it), with each series'
        ``result`` on it.
    events : sequence of (datetime.date, str)
        Events worth knowing when reading the line (a debate, a scandal): a dotted line
        with its label, drawn where the date falls inside the chart's range.
    """

    election_day: dt.date | None = None
    events: Sequence[tuple[dt.date, str]] = ()


@dataclass(frozen=True)
class _Latest:
    date: pd.Timestamp
    estimate: float
    lower: float
    upper: float


@dataclass(frozen=True)
class _Prepared:
    """A series validated and converted to float arrays (dates as matplotlib days)."""

    name: str
    color: str
    trend_x: np.ndarray
    estimate: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    poll_x: np.ndarray
    poll_pct: np.ndarray
    poll_weight: np.ndarray
    latest: _Latest | None
    result: float = np.nan


def _check_format(fmt: str) -> str:
    normalised = fmt.lower() if isinstance(fmt, str) else fmt
    if normalised not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, got {fmt!r}")
    return normalised


def _check_range(name: str, value: float, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not (low <= number <= high):  # also rejects NaN
        raise ValueError(f"{name} must be between {low:g} and {high:g}, got {value!r}")
    return number


def _clean(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


def _columns(frame: pd.DataFrame, required: tuple[str, ...], what: str) -> bool:
    """True when ``frame`` has rows; raise if it has rows but lacks a column."""
    if frame is None or len(frame) == 0:
        return False
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise ValueError(f"{what} frame lacks column(s) {missing}; has {list(frame.columns)}")
    return True


def _floats(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    values = pd.to_numeric(frame[column], errors="coerce")
    return values.to_numpy(dtype=float, na_value=np.nan)


def _datenums(values: pd.Series) -> np.ndarray:
    """Dates of any pandas flavour (naive, tz-aware, python dates) as matplotlib days."""
    dates = pd.to_datetime(values)
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_convert("UTC").dt.tz_localize(None)
    return mdates.date2num(dates.to_numpy(dtype="datetime64[ns]"))


def _prepare(choice: ChoiceSeries, color: str) -> _Prepared:
    name = " ".join(_clean(str(choice.name)).split())
    empty = np.empty(0)

    trend_x = estimate = lower = upper = empty
    latest = None
    if _columns(choice.trend, ("date", "estimate"), f"trend of {name!r}"):
        trend = choice.trend.sort_values("date", kind="stable")
        x = _datenums(trend["date"])
        keep = np.isfinite(x)
        trend_x = x[keep]
        estimate = _floats(trend, "estimate")[keep]
        lower = _floats(trend, "lower")[keep]
        upper = _floats(trend, "upper")[keep]
        finite = np.flatnonzero(np.isfinite(estimate))
        if finite.size:
            last = finite[-1]
            latest = _Latest(
                date=pd.Timestamp(mdates.num2date(trend_x[last])).tz_localize(None),
                estimate=float(estimate[last]),
                lower=float(lower[last]),
                upper=float(upper[last]),
            )

    poll_x = poll_pct = poll_weight = empty
    if _columns(choice.polls, ("date", "pct"), f"polls of {name!r}"):
        polls = choice.polls
        x = _datenums(polls["date"])
        pct = _floats(polls, "pct")
        weight = _floats(polls, "weight") if "weight" in polls.columns else np.ones(len(polls))
        if np.any(weight < 0):
            raise ValueError(f"polls of {name!r} have a negative weight")
        keep = np.isfinite(x) & np.isfinite(pct)
        poll_x, poll_pct, poll_weight = x[keep], pct[keep], weight[keep]

    result = np.nan if choice.result is None else float(choice.result)
    return _Prepared(
        name, color, trend_x, estimate, lower, upper, poll_x, poll_pct, poll_weight, latest, result
    )


def _colour(choice: ChoiceSeries, index: int) -> str:
    if choice.color is None:
        return PALETTE[index % len(PALETTE)]
    if not isinstance(choice.color, str) or not mcolors.is_color_like(choice.color):
        raise ValueError(f"color of {choice.name!r} must be a colour, got {choice.color!r}")
    return choice.color


def _prepare_all(series: Sequence[ChoiceSeries]) -> list[_Prepared]:
    """Each choice prepared, in its own colour or that of its position in ``series``."""
    return [_prepare(choice, _colour(choice, index)) for index, choice in enumerate(series)]


@dataclass(frozen=True)
class _PreparedMarks:
    """`ChartMarks` as matplotlib days, labels cleaned."""

    election_x: float | None
    events: tuple[tuple[float, str], ...]


NO_MARKS = _PreparedMarks(None, ())


def _prepare_marks(marks: ChartMarks | None) -> _PreparedMarks:
    if marks is None:
        return NO_MARKS
    election_x = None if marks.election_day is None else float(mdates.date2num(marks.election_day))
    events = tuple((float(mdates.date2num(day)), " ".join(_clean(str(label)).split()))
                   for day, label in marks.events)
    return _PreparedMarks(election_x, events)


def _has_data(prepared: Sequence[_Prepared]) -> bool:
    return any(p.poll_x.size or np.isfinite(p.estimate).any() for p in prepared)
