"""Election-day intervals: the band of an average widened by the systematic polling error.

A polling average's band covers the sampling and house-effect uncertainty of the polls, not the
error that all polls of a race share on election day (non-response, turnout, late movement).
The table ``outcome_table.TABLE`` (written by ``bench/estimate_outcome_error.py`` from 538's
raw-polls.csv, 1998-2022; Data: FiveThirtyEight (ABC News), CC BY 4.0) holds, by office and
days-before-election bin, for the margin and for a share, overall and with each cycle left out:
that systematic error's standard deviation (by maximum likelihood beyond each race's sampling
variance), the share of its variance common to a cycle, and how many cycles it comes from.

:func:`outcome_bounds` first allocates the undecided in proportion to the choices (with
``decided``, the percent who named a choice: estimate and band times ``100 / decided``; the
polls' margins understate lopsided results by about that much), then adds the systematic error
in quadrature on each side: ``half = sqrt(band_half ** 2 + (m * sd_sys) ** 2)`` with
``m = sqrt(z ** 2 (1 - c) + t_K ** 2 c)``: the cycle-common part ``c`` is known from only
``K`` cycles (six presidential ones), so its quantile is Student's t with ``K`` degrees of
freedom. Bounds are clipped to [0, 100] for shares and [-100, 100] for margins. Beyond the
table's last bin (21 days) the last bin's figure is used: raw-polls holds no older polls, so far
from the election the interval understates the campaign's movement.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .intervals import DEFAULT_ALPHA, check_alpha, t_value, z_value
from .outcome_table import TABLE as _GENERATED

__all__ = ["MIN_DECIDED", "OFFICES", "allocation", "outcome_bounds", "systematic_multiplier", "systematic_sd"]

OFFICES = ("president", "senate", "governor", "house", "generic", "primary")
_KINDS = {"share": (0.0, 100.0), "margin": (-100.0, 100.0)}
#: Below this percent decided a question is taken to list only part of the field, and its
#: undecided are not allocated (the shares of those it leaves out are unknown).
MIN_DECIDED = 50.0
TABLE: dict = _GENERATED  # typed as a plain dict: the literal's inferred type is too narrow to index


def _entry(office: str, kind: str, leave_out_cycle: int | None) -> dict:
    """The table's entry for ``office`` and ``kind``: ``sd`` per days-out bin,
    ``common_share`` and ``cycles`` (see the module docstring)."""
    if office not in OFFICES:
        raise ValueError(f"office must be one of {', '.join(OFFICES)}, not {office!r}")
    if kind not in _KINDS:
        raise ValueError(f"kind must be 'share' or 'margin', not {kind!r}")
    key = None if leave_out_cycle is None else str(leave_out_cycle)
    if key is not None and office in TABLE["leave_out"].get(key, {}):
        return TABLE["leave_out"][key][office][kind]
    return TABLE["all"][office][kind]


def _bins(days_before) -> np.ndarray:
    days = np.asarray(days_before, dtype=float)
    if np.any(~np.isfinite(days)) or np.any(days < 0):
        raise ValueError("days_before must be finite and >= 0 (days up to the election)")
    return np.minimum(np.searchsorted(TABLE["bins_max_days"], days), len(TABLE["bins_max_days"]) - 1)


def systematic_sd(office: str, days_before, kind: str = "margin",
                  leave_out_cycle: int | None = None) -> np.ndarray:
    """Systematic error sd (points) of ``office`` at each of ``days_before`` (days, >= 0);
    with ``leave_out_cycle``, estimated without that cycle's races."""
    entry = _entry(office, kind, leave_out_cycle)
    return np.asarray(entry["sd"], dtype=float)[_bins(days_before)]


def systematic_multiplier(office: str, kind: str = "margin", alpha: float = DEFAULT_ALPHA,
                          leave_out_cycle: int | None = None) -> float:
    """What multiplies the systematic sd in the interval's half-width: ``sqrt(z ** 2 (1 - c)
    + t ** 2 c)``, with ``c`` the share of the variance common to a cycle and ``t`` the
    Student quantile with as many degrees of freedom as cycles it was estimated from."""
    entry = _entry(office, kind, leave_out_cycle)
    common, cycles = float(entry["common_share"]), int(entry["cycles"])
    return float(np.sqrt(z_value(alpha) ** 2 * (1 - common) + t_value(alpha, max(cycles, 1)) ** 2 * common))


def allocation(decided, dates: pd.DatetimeIndex | None = None) -> np.ndarray:
    """The factor ``100 / decided`` that allocates the undecided in proportion to the choices'
    shares: ``decided`` is the percent of respondents who named a choice (a number or an array,
    broadcast to ``dates`` if given, or a Series by date, read at ``dates``); 1 where it is
    missing, at least 100 or below :data:`MIN_DECIDED` (a question that lists only part of
    the field)."""
    if isinstance(decided, pd.Series):
        values = decided.set_axis(pd.to_datetime(decided.index)).reindex(dates).to_numpy(dtype=float)
    else:
        values = np.asarray(np.nan if decided is None else decided, dtype=float)
        if dates is not None:
            values = np.broadcast_to(values, (len(dates),))
    ok = np.isfinite(values) & (values >= MIN_DECIDED) & (values < 100.0)
    return np.where(ok, 100.0 / np.where(ok, values, 100.0), 1.0)


def outcome_bounds(frame: pd.DataFrame, election_date: dt.date, office: str,
                   kind: str = "share", alpha: float = DEFAULT_ALPHA,
                   leave_out_cycle: int | None = None, decided=None) -> pd.DataFrame:
    """``frame`` (a ``date`` column or index, and ``estimate``, ``lower``, ``upper``) with
    ``outcome_lower`` / ``outcome_upper``: the election-day interval of each row up to the
    election (NaN after it). ``kind`` is ``"share"`` or ``"margin"``. With ``decided`` (see
    :func:`allocation`) the undecided are allocated in proportion first: the estimate and its
    band are scaled by ``100 / decided`` before the systematic error is added."""
    alpha = check_alpha(alpha)
    lo_clip, hi_clip = _KINDS.get(kind, (None, None))
    if lo_clip is None:
        raise ValueError(f"kind must be 'share' or 'margin', not {kind!r}")
    dates = pd.to_datetime(frame["date"] if "date" in frame.columns else frame.index)
    days = (pd.Timestamp(election_date) - pd.DatetimeIndex(dates)).days.to_numpy(dtype=float)
    before = days >= 0
    spread = np.full(len(frame), np.nan)  # the systematic error's part of the half-width
    spread[before] = (systematic_sd(office, days[before], kind, leave_out_cycle)
                      * systematic_multiplier(office, kind, alpha, leave_out_cycle))
    scale = allocation(decided, pd.DatetimeIndex(dates))
    est = frame["estimate"].to_numpy(dtype=float)
    below = (est - frame["lower"].to_numpy(dtype=float)) * scale  # each side on its own: a band
    above = (frame["upper"].to_numpy(dtype=float) - est) * scale  # clipped at 0 or 100 is asymmetric
    est = est * scale
    out = frame.copy()
    out["outcome_lower"] = np.clip(est - np.hypot(below, spread), lo_clip, hi_clip)
    out["outcome_upper"] = np.clip(est + np.hypot(above, spread), lo_clip, hi_clip)
    return out
