"""Make the repository importable when pytest is run as ``.venv/bin/pytest`` (no install)."""

import sys
from pathlib import Path

_REPO = Path(__file__).resolve().parents[2]
if str(_REPO) not in sys.path:
    sys.path.insert(0, str(_REPO))
