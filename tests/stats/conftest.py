"""Make the repository importable when pytest is run as ``.venv/bin/pytest`` (no install),
and run the methods' own code in every test here (the app tests' lowess memo is off)."""

import sys
from pathlib import Path

import pytest

_REPO = Path(__file__).resolve().parents[2]
if str(_REPO) not in sys.path:
    sys.path.insert(0, str(_REPO))


@pytest.fixture(autouse=True)
def methods_computed_anew():
    import stats_memo  # after the path above

    stats_memo.enabled = False
    yield
    stats_memo.enabled = True
