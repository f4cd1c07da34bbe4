"""Election-day intervals: the band of an average widened by the systematic polling error.

A polling average's band covers the sampling and house-effect uncertainty of the polls, not the
error that all polls of a race share on election day (non-response, turnout, late movement).
The table ``outcome_table.TABLE`` (written by ``bench/estimate_outcome_error.py`` from 538's
raw-polls.csv, 1998-2022; Data: FiveThirtyEight (ABC News), CC BY 4.0) holds that systematic
error's standard deviation by office and days-before-election bin, for the margin and for a share,
overall and with each cycle left out. :func:`outcome_bounds` adds it in quadrature to the band:
``half = z * sqrt((band_half / z) ** 2 + sd_sys ** 2)`` on each side of the estimate, clipped
to [0, 100] for shares and [-100, 100] for margins. Beyond the table's last bin (21 days) the
last bin's figure is used: raw-polls holds no older polls, so far from the election the interval
understates the campaign's movement.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .intervals import DEFAULT_ALPHA, check_alpha, z_value
from .outcome_table import TABLE

__all__ = ["OFFICES", "outcome_bounds", "systematic_sd"]

OFFICES = ("president", "senate", "governor", "house", "generic", "primary")
_KINDS = {"share": (0.0, 100.0), "margin": (-100.0, 100.0)}


def systematic_sd(office: str, days_before, kind: str = "margin",
                  leave_out_cycle: int | None = None) -> np.ndarray:
    """Systematic error sd (points) of ``office`` at each of ``days_before`` (days, >= 0);
    with ``leave_out_cycle``, estimated without that cycle's races."""
    if office not in OFFICES:
        raise ValueError(f"office must be one of {', '.join(OFFICES)}, not {office!r}")
    if kind not in _KINDS:
        raise ValueError(f"kind must be 'share' or 'margin', not {kind!r}")
    tab: dict = TABLE
    days = np.asarray(days_before, dtype=float)
    if np.any(~np.isfinite(days)) or np.any(days < 0):
        raise ValueError("days_before must be finite and >= 0 (days up to the election)")
    key = None if leave_out_cycle is None else str(leave_out_cycle)
    if key is not None and key in tab["leave_out"] and office in tab["leave_out"][key]:
        sds = np.asarray(tab["leave_out"][key][office][kind], dtype=float)
    else:
        sds = np.asarray([e[kind]["sd"] for e in tab["all"][office]], dtype=float)
    idx = np.minimum(np.searchsorted(tab["bins_max_days"], days), len(sds) - 1)
    return sds[idx]


def outcome_bounds(frame: pd.DataFrame, election_date: dt.date, office: str,
                   kind: str = "share", alpha: float = DEFAULT_ALPHA,
                   leave_out_cycle: int | None = None) -> pd.DataFrame:
    """``frame`` (a ``date`` column or index, and ``estimate``, ``lower``, ``upper``) with
    ``outcome_lower`` / ``outcome_upper``: the election-day interval of each row up to the
    election (NaN after it). ``kind`` is ``"share"`` or ``"margin"``."""
    alpha = check_alpha(alpha)
    lo_clip, hi_clip = _KINDS.get(kind, (None, None))
    if lo_clip is None:
        raise ValueError(f"kind must be 'share' or 'margin', not {kind!r}")
    dates = pd.to_datetime(frame["date"] if "date" in frame.columns else frame.index)
    days = (pd.Timestamp(election_date) - pd.DatetimeIndex(dates)).days.to_numpy(dtype=float)
    before = days >= 0
    sd = np.full(len(frame), np.nan)
    sd[before] = systematic_sd(office, days[before], kind, leave_out_cycle)
    z = z_value(alpha)
    est = frame["estimate"].to_numpy(dtype=float)
    below = est - frame["lower"].to_numpy(dtype=float)  # each side on its own: a band
    above = frame["upper"].to_numpy(dtype=float) - est  # clipped at 0 or 100 is asymmetric
    out = frame.copy()
    out["outcome_lower"] = np.clip(est - z * np.hypot(below / z, sd), lo_clip, hi_clip)
    out["outcome_upper"] = np.clip(est + z * np.hypot(above / z, sd), lo_clip, hi_clip)
    return out
