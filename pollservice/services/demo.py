"""The seed question (Calexit) and the demo series (Trump approval, FiveThirtyEight data),
shipped inside the package so that nothing is read from outside it at run time."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from ..models import Question
from .imports import import_rows
from .imports.formats.canonical_csv import read_rows
from .imports.rows import ImportRow, ImportSummary

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEMO_FILES = ("seed_calexit.csv", "demo_trump_approval.csv")


def database_is_empty() -> bool:
    return db.session.execute(select(Question.id).limit(1)).first() is None


def load_demo() -> ImportSummary:
    """Load the seed and demo polls; loading them again adds nothing."""
    rows: list[ImportRow] = []
    for name in DEMO_FILES:
        with (DATA_DIR / name).open(newline="", encoding="utf-8") as handle:
            rows.extend(read_rows(handle, name))
    return import_rows(rows, source_name=", ".join(DEMO_FILES))
