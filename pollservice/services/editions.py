"""Editions: each day's published real-time average, frozen once the day is over.

The recompute job (``jobs/compute.store_results``) records, in the transaction that stores
a question's results, the current average of its default method as published: one row per
question and UTC day (``AverageEdition``), rewritten by each newer version stored that
day. The sweep (``jobs.queue.sweep``) marks the rows of past days ``final``; nothing
writes a final row again, so a correction entered later changes the stored series (the
average *as revised*) but never the edition (the average *as published* that day).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from sqlalchemy import select

from ..domain.errors import BadRequest, NotFound
from ..domain.methods import DEFAULT_METHOD
from ..extensions import SessionArg, db, upsert_insert
from ..models import AverageEdition, Question, utcnow
from ..readmodel import question_view
from .averages import exclusions, question_trend, trend_as_records

EXPORT_KINDS = ("published", "revised")
CSV_COLUMNS = ("date", "choice", "estimate", "lower", "upper", "n_polls", "data_version", "final")
AVERAGE_KEYS = ("estimate", "lower", "upper", "n_polls", "as_of")


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def record_edition(session: SessionArg, question: Question, version: int,
                   averages: dict[str, dict | None], day: dt.date | None = None) -> None:
    """Today's edition of a question: ``averages`` (choice -> the stored current average of
    the default method) of data version ``version`` as the pages show it (a candidate left
    out of the current average, ``averages.exclusions``, is null), unless a newer version
    is recorded already or the day's row is final. Runs in the caller's transaction."""
    last_polls = {name: None if avg is None else dt.date.fromisoformat(avg["as_of"])
                  for name, avg in averages.items()}
    left = exclusions(question, last_polls)
    shown = {name: None if avg is None or name in left else {k: avg[k] for k in AVERAGE_KEYS if k in avg}
             for name, avg in averages.items()}
    values = dict(question_id=question.id, day=day or today(), data_version=version,
                  method=DEFAULT_METHOD, published_at=utcnow(), final=False, averages=shown)
    statement = upsert_insert(session, AverageEdition).values(values)
    session.execute(statement.on_conflict_do_update(
        index_elements=["question_id", "day"],
        set_={key: statement.excluded[key] for key in ("data_version", "published_at", "averages")},
        where=AverageEdition.final.is_(False)
        & (AverageEdition.data_version < statement.excluded.data_version)))


def parse_day(raw: str | None) -> dt.date:
    """The ``date`` query parameter: YYYY-MM-DD (``BadRequest`` naming it otherwise)."""
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError:
        raise BadRequest("date must be a day as YYYY-MM-DD.",
                         fields={"date": "must be a day as YYYY-MM-DD"}) from None


def edition_on(slug: str, day: dt.date) -> dict[str, Any]:
    """The average as published on ``day``: the edition of that day, or of the last day
    before it on which one was published (the one still showing that day)."""
    question = question_view(slug).question
    edition = db.session.scalar(
        select(AverageEdition).where(AverageEdition.question_id == question.id, AverageEdition.day <= day)
        .order_by(AverageEdition.day.desc()).limit(1))
    if edition is None:
        raise NotFound(f"No average of {slug} was published by {day.isoformat()}.",
                       fields={"date": "before the first published average"})
    return {"question": question.slug, "date": day, "published_on": edition.day,
            "published_at": edition.published_at.replace(tzinfo=dt.UTC), "data_version": edition.data_version,
            "method": edition.method, "final": edition.final, "averages": edition.averages}


def _published_rows(question_id: int) -> list[dict[str, Any]]:
    editions = db.session.scalars(select(AverageEdition).where(AverageEdition.question_id == question_id)
                                  .order_by(AverageEdition.day))
    return [{"date": e.day.isoformat(), "choice": name, **{k: (avg or {}).get(k) for k in CSV_COLUMNS[2:6]},
             "data_version": e.data_version, "final": e.final}
            for e in editions for name, avg in e.averages.items()]


def _revised_rows(slug: str) -> list[dict[str, Any]]:
    view = question_view(slug)
    version = view.state.computed_version
    return [{"date": record["date"].isoformat(), "choice": name, "estimate": record["estimate"],
             "lower": record["lower"], "upper": record["upper"], "n_polls": "",
             "data_version": version, "final": ""}
            for name, trend in question_trend(view, DEFAULT_METHOD, realtime=True).items()
            for record in trend_as_records(trend)]


def averages_csv(slug: str, kind: str) -> str:
    """The question's daily real-time average as CSV: ``published`` (each day's edition,
    as it was published) or ``revised`` (the real-time line of the current data: what
    each day's average would have been with every correction known now)."""
    if kind not in EXPORT_KINDS:
        raise BadRequest("as must be published or revised.", fields={"as": "must be published or revised"})
    question = question_view(slug).question
    rows = _published_rows(question.id) if kind == "published" else _revised_rows(slug)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
