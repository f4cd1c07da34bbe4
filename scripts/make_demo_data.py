"""Rebuild pollservice/data/demo_trump_approval.csv from FiveThirtyEight's poll list.

Source: FiveThirtyEight's Trump approval poll list (approval_polllist.csv, model run of
2020-10-31), as copied in ../shared/data (see its SOURCES.md, pair A).
Data: FiveThirtyEight (ABC News), CC BY 4.0, https://github.com/fivethirtyeight/data

Changes made to the data: only the subgroup "All polls" (one version per poll), only
polls that ended by 2017-04-30, and only the columns pollservice stores; dates rewritten
as ISO dates. The values themselves are unchanged.

Run from the repository root: python scripts/make_demo_data.py
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = (ROOT.parent / "shared" / "data" / "fivethirtyeight-thirdparty-copies"
          / "dskinnion-Gov1347_Blog" / "approval_polllist.csv")
TARGET = ROOT / "pollservice" / "data" / "demo_trump_approval.csv"
LAST_END_DATE = dt.date(2017, 4, 30)
QUESTION = "trump-approval"
TITLE = "Do you approve or disapprove of the way Donald Trump is handling his job as president?"


def us_date(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%m/%d/%Y").date()


def main() -> None:
    with SOURCE.open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["subgroup"] == "All polls"]
    rows = [r for r in rows if us_date(r["enddate"]) <= LAST_END_DATE]
    rows.sort(key=lambda r: (us_date(r["enddate"]), int(r["question_id"])))
    with TARGET.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["question", "question_title", "question_region", "pollster",
                         "start_date", "end_date", "sample_size", "population", "source_url",
                         "notes", "source", "source_id", "Approve", "Disapprove"])
        for r in rows:
            size = r["samplesize"].strip()
            writer.writerow([
                QUESTION, TITLE, "United States", r["pollster"],
                us_date(r["startdate"]).isoformat(), us_date(r["enddate"]).isoformat(),
                str(int(float(size))) if size else "", r["population"], r["url"],
                "Tracking poll" if r["tracking"] == "T" else "",
                "fivethirtyeight", r["question_id"], r["approve"], r["disapprove"],
            ])
    print(f"wrote {len(rows)} polls to {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
