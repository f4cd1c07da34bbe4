"""``canonical``: the project's own CSV, read by ``formats/canonical_csv.py`` (columns in
README.md). ``--question`` keeps only that question's rows."""

from __future__ import annotations

from .canonical_csv import REQUIRED_COLUMNS, matches
from .canonical_csv import read_text_rows as read_rows

NAME = "canonical"
DEFAULT_SOURCE = "csv"
QUESTION_IS_TARGET = False

__all__ = ["NAME", "DEFAULT_SOURCE", "QUESTION_IS_TARGET", "REQUIRED_COLUMNS", "matches", "read_rows"]
