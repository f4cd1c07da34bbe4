"""The demo data shipped inside the package (nothing is read from outside it at run time):

- ``calexit``: the seed question (Calexit), as 2017 news reports gave its polls;
- ``approval``: Trump approval, 2017 (FiveThirtyEight's poll list);
- ``elections``: the 2020 presidential election, national and six battleground states
  (FiveThirtyEight's polls page, snapshot 2020-10-21) with their results (538's
  pollster-ratings polls), so the front page shows races out of the box.

See ``data/ATTRIBUTION.md``; ``scripts/make_demo_data.py`` and
``scripts/make_election_demo.py`` rebuild the files from ``../shared/data``.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from ..models import Question
from .imports import import_rows, import_text
from .imports.formats.canonical_csv import read_rows
from .imports.rows import ImportRow, ImportSummary

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CANONICAL_SETS = {"calexit": "seed_calexit.csv", "approval": "demo_trump_approval.csv"}
# Files in FiveThirtyEight's own formats, imported in this order (the polls, then the
# results of the same races).
FTE_SETS = {"elections": ("demo_2020_president_polls.csv.gz", "demo_2020_president_results.csv")}
DEMO_SETS = (*CANONICAL_SETS, *FTE_SETS)


def database_is_empty() -> bool:
    return db.session.execute(select(Question.id).limit(1)).first() is None


def _text(name: str) -> str:
    data = (DATA_DIR / name).read_bytes()
    return (gzip.decompress(data) if name.endswith(".gz") else data).decode("utf-8-sig")


def load_demo(sets: Iterable[str] = DEMO_SETS) -> list[ImportSummary]:
    """Load the demo sets named (all by default); loading them again adds nothing."""
    wanted = list(sets)
    unknown = sorted(set(wanted) - set(DEMO_SETS))
    if unknown:
        raise ValueError(f"unknown demo set(s) {unknown}; known: {', '.join(DEMO_SETS)}")
    summaries = []
    canonical = [CANONICAL_SETS[name] for name in wanted if name in CANONICAL_SETS]
    if canonical:
        rows: list[ImportRow] = []
        for name in canonical:
            with (DATA_DIR / name).open(newline="", encoding="utf-8") as handle:
                rows.extend(read_rows(handle, name))
        summaries.append(import_rows(rows, source_name=", ".join(canonical)))
    for name in wanted:
        for file_name in FTE_SETS.get(name, ()):
            summaries.append(import_text(_text(file_name), file_name.removesuffix(".gz")))
    return summaries
