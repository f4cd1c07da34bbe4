"""Imports stream: the rows are consumed as an iterator and planned and written in
batches, so an import holds one batch whatever the file's length (the design, checked
with a generator, instead of a memory figure, which would be flaky); every guarantee
stays: one transaction, a bad row anywhere refuses the whole file, duplicates found
across batches, one audit entry per poll."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from import_support import store_counts
from sqlalchemy import func, select

from pollservice.extensions import db
from pollservice.models import AuditEntry, Poll
from pollservice.services.imports import import_rows, rows
from pollservice.services.imports.rows import ImportRejected, ImportRow

pytestmark = pytest.mark.jobs_run(False)  # what is stored, not averages


def poll_rows(count: int, *, bad_line: int | None = None, repeat_line: int | None = None,
              seen: list[tuple[int, int]] | None = None) -> Iterator[ImportRow]:
    """``count`` polls of a new question, one per line from line 2; ``seen`` gets, for each
    row handed over, (rows handed so far, polls the session's transaction holds then)."""
    for index in range(count):
        line = index + 2
        if seen is not None and index % 50 == 0:
            seen.append((index, db.session.execute(select(func.count(Poll.id))).scalar_one()))
        source_id = "p1" if line == repeat_line else f"p{index}"
        yield ImportRow(line, "streamed", {
            "pollster": f"Pollster {index % 7}", "start_date": "2024-01-01",
            "end_date": "2024-01-02", "population": "lv", "sample_size": "800",
            "source": "stream-test", "source_id": source_id,
            "results": {"Yes": "150" if line == bad_line else "45", "No": "50"},
        }, question_title="Streamed question?")


def test_import_consumes_rows_as_a_stream_and_writes_each_batch_before_reading_on(app):
    seen: list[tuple[int, int]] = []
    with app.app_context():
        summary = import_rows(poll_rows(1000, seen=seen), "stream.csv", batch_rows=100)
    assert summary.added == 1000
    # when row i is read, every batch before the current one is written already
    assert all(written >= handed - 100 for handed, written in seen), seen
    assert seen[-1][1] >= 800
    counts = store_counts(app)
    assert counts["Poll"] == 1000 and counts["AuditEntry"] == 1000


def test_a_summary_keeps_a_bounded_sample_of_outcomes_and_counts_every_row(app, monkeypatch):
    monkeypatch.setattr(rows, "OUTCOMES_KEPT", 10)
    with app.app_context():
        summary = import_rows(poll_rows(300), "stream.csv", dry_run=True, batch_rows=100)
    assert summary.added == 300 and len(summary.outcomes) == 10
    assert [o.line for o in summary.outcomes] == list(range(2, 12))
    assert store_counts(app)["Poll"] == 0


def test_a_bad_row_in_a_late_batch_refuses_the_whole_file_and_nothing_is_written(app):
    with app.app_context():
        with pytest.raises(ImportRejected) as rejected:
            import_rows(poll_rows(350, bad_line=340), "stream.csv", batch_rows=100)
    assert [(p.line, p.field) for p in rejected.value.problems] == [(340, "results.Yes")]
    assert "line 340" in str(rejected.value)
    assert store_counts(app)["Poll"] == 0 and store_counts(app)["Question"] == 0


def test_a_repeat_in_a_later_batch_is_found_and_skip_invalid_writes_the_rest(app):
    with app.app_context():
        summary = import_rows(poll_rows(350, repeat_line=250), "stream.csv", batch_rows=100,
                              skip_invalid=True)
        audits = db.session.execute(select(func.count(AuditEntry.id))).scalar_one()
    assert summary.added == 349 and summary.rejected == 1
    assert [(p.line, p.message) for p in summary.problems] == [(250, "repeats the poll of line 3")]
    assert store_counts(app)["Poll"] == 349 and audits == 349
