"""The incremental real-time ``kalman`` filter gives the line of the implementation it
replaced (stored in ``data/realtime_reference.npz`` by ``realtime_reference.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from .realtime_reference import CASES, REFERENCE, realtime_line


@pytest.mark.parametrize("name", sorted(CASES))
def test_realtime_line_equals_the_reference_implementation(name):
    expected = np.load(REFERENCE)[name]
    got = realtime_line(CASES[name])
    assert got.shape == expected.shape
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6, equal_nan=True)
