"""Small poll frames shared by the statistics tests."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

DAY0 = dt.date(2024, 3, 1)


def day(offset: int) -> dt.date:
    """The date ``offset`` days after :data:`DAY0`."""
    return DAY0 + dt.timedelta(days=offset)


def frame(rows, index=None) -> pd.DataFrame:
    """Polls from tuples (pollster, start offset, end offset, size, population, pct)."""
    return pd.DataFrame(
        {
            "pollster": [r[0] for r in rows],
            "start_date": [day(r[1]) for r in rows],
            "end_date": [day(r[2]) for r in rows],
            "sample_size": [np.nan if r[3] is None else float(r[3]) for r in rows],
            "population": [r[4] for r in rows],
            "pct": [float(r[5]) for r in rows],
        },
        index=index,
    )
