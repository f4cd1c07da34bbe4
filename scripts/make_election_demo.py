"""Rebuild the 2020 presidential election demo in pollservice/data from FiveThirtyEight's files.

Sources (copies in ../shared/data, see its SOURCES.md):
- fivethirtyeight-polls-mirror/president_polls.csv: 538's polls page, 2020 general election,
  snapshot 2020-10-21;
- fivethirtyeight/pollster-ratings/2023/raw-polls.csv: 538's pollster-ratings polls, each with
  the election's actual result.
Data: FiveThirtyEight (ABC News), CC BY 4.0, https://github.com/fivethirtyeight/data

Changes made to the data: only the rows of the national race and six battleground states
(Arizona, Georgia, Michigan, North Carolina, Pennsylvania, Wisconsin) in the 2020 general
election for president are kept; every kept row and the header are byte-for-byte the source's
(the polls file is gzipped).

Run from the repository root: python scripts/make_election_demo.py
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
POLLS = DATA / "fivethirtyeight-polls-mirror" / "president_polls.csv"
RESULTS = DATA / "fivethirtyeight" / "pollster-ratings" / "2023" / "raw-polls.csv"
TARGET = ROOT / "pollservice" / "data"
STATES = {"": "US", "Arizona": "AZ", "Georgia": "GA", "Michigan": "MI",
          "North Carolina": "NC", "Pennsylvania": "PA", "Wisconsin": "WI"}


def records(path: Path) -> tuple[str, list[tuple[dict[str, str], str]]]:
    """The header line and each record with its exact text (records may span lines)."""
    text = path.read_text(encoding="utf-8")
    header, _, body = text.partition("\n")
    names = next(csv.reader([header]))
    kept: list[tuple[dict[str, str], str]] = []
    handle = io.StringIO(body, newline="")
    start = 0
    reader = csv.reader(handle)
    for row in reader:
        end = handle.tell()
        kept.append((dict(zip(names, row, strict=False)), body[start:end]))
        start = end
    return header + "\n", kept


def write(path: Path, header: str, rows: list[str]) -> None:
    data = (header + "".join(rows)).encode("utf-8")
    if path.suffix == ".gz":
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)
    print(f"wrote {len(rows)} rows to {path.relative_to(ROOT)}")


def main() -> None:
    header, rows = records(POLLS)
    write(TARGET / "demo_2020_president_polls.csv.gz", header,
          [raw for record, raw in rows if record["state"] in STATES and record["stage"] == "general"])
    header, rows = records(RESULTS)
    races = {f"2020_Pres-G_{code}" for code in STATES.values()}
    write(TARGET / "demo_2020_president_results.csv", header,
          [raw for record, raw in rows if record["race"] in races])


if __name__ == "__main__":
    main()
