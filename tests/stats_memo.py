"""The suite's memo of the lowess method's results (test infrastructure, never production).

The app tests recompute their questions' averages at every write, and the lowess method's
bootstrap bands (the real-time line's fortnightly resamples above all) were most of the
suite's time: measured on five test modules, 80 % of their time was recomputes and 40 % was
``lowess_trend``. Many tests recompute the same polls (a fixture's race, the same poll added
to the demo question), and lowess is a pure function of its inputs (its bootstrap has a
fixed seed), so its results are kept per process, keyed by every array of the poll table,
the days and the parameters, and handed out as copies. The first computation of any input
runs the real code. ``tests/stats``, which tests the methods themselves, turns the memo off
(``enabled``, its conftest), so none of its tests is ever answered from another's result.
"""

from __future__ import annotations

import copy
import dataclasses
from collections import OrderedDict
from collections.abc import Callable

import numpy as np
import pandas as pd

from pollservice.stats import methods

MAX_ENTRIES = 4000
_memo: OrderedDict = OrderedDict()
enabled = True  # tests/stats/conftest.py turns it off around each of its tests


def _key_of(value) -> object:
    if isinstance(value, np.ndarray):
        body = value.tobytes() if value.dtype != object else tuple(map(str, value.tolist()))
        return ("array", value.dtype.str, value.shape, body)
    if isinstance(value, pd.Index):
        return ("index", tuple(value.tolist()))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,
                tuple(_key_of(getattr(value, f.name)) for f in dataclasses.fields(value)))
    return value


def _memoised(function: Callable) -> Callable:
    def wrapper(*args, **kwargs):
        if not enabled:
            return function(*args, **kwargs)
        key = (function.__qualname__, tuple(_key_of(a) for a in args),
               tuple(sorted((k, _key_of(v)) for k, v in kwargs.items())))
        if key in _memo:
            _memo.move_to_end(key)
        else:
            _memo[key] = function(*args, **kwargs)
            if len(_memo) > MAX_ENTRIES:
                _memo.popitem(last=False)
        return copy.deepcopy(_memo[key])

    wrapper.__wrapped__ = function  # type: ignore[attr-defined]
    return wrapper


def install() -> None:
    """Put the memo in front of the registry's lowess functions (once per process)."""
    entry = methods.REGISTRY["lowess"]
    if hasattr(entry.trend, "__wrapped__"):
        return
    methods.REGISTRY["lowess"] = dataclasses.replace(
        entry, trend=_memoised(entry.trend), point=_memoised(entry.point))
