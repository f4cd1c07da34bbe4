"""Helpers shared by the import, export and upload tests: the 538 excerpts in tests/data,
counting what an import wrote, and reading polls back as plain values."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sqlalchemy import func, select

from pollservice.extensions import db
from pollservice.jobs.queue import jobs
from pollservice.models import AuditEntry, Choice, Poll, Pollster, Question, Result

DATA = Path(__file__).parent / "data"
TRUMP_2020 = DATA / "fte_approval_trump_2020-10-31.csv"
TRUMP_2021 = DATA / "fte_approval_trump_2021-01-20.csv"


def store_counts(app) -> dict[str, int]:
    """Rows in every table an import writes to."""
    with app.app_context():
        return {model.__name__: db.session.execute(select(func.count()).select_from(model)).scalar_one()
                for model in (Question, Choice, Pollster, Poll, Result, AuditEntry)}


def run_import(runner, path: Path, *options: str):
    return runner.invoke(args=["import-polls", str(path), *options])


def import_json(runner, path: Path, *options: str) -> dict:
    """Import with ``--json``; the summary printed on standard output."""
    result = run_import(runner, path, "--json", *options)
    assert result.stdout.strip(), result.output
    return json.loads(result.stdout)


def stored_polls(app, slug: str) -> dict[str, dict]:
    """The question's polls (deleted ones too) by source id, as plain values."""
    with app.app_context():
        question = db.session.execute(select(Question).where(Question.slug == slug)).scalar_one()
        names = {choice.id: choice.name for choice in question.choices}
        polls = db.session.execute(select(Poll).where(Poll.question_id == question.id)).scalars()
        return {poll.source_id: {
            "id": poll.id, "pollster": poll.pollster.name, "sponsor": poll.sponsor,
            "start_date": poll.start_date.isoformat(), "end_date": poll.end_date.isoformat(),
            "sample_size": poll.sample_size, "population": poll.population, "mode": poll.mode,
            "source_url": poll.source_url, "partisan": poll.partisan, "internal": poll.internal,
            "notes": poll.notes, "source": poll.source,
            "election_date": poll.election_date.isoformat() if poll.election_date else None,
            "deleted": poll.deleted_at is not None,
            "counted": poll.counted, "version_group": poll.version_group,
            "tracking": poll.tracking,
            "published_on": poll.published_on.isoformat() if poll.published_on else None,
            "results": {names[r.choice_id]: r.pct for r in poll.results},
            "actual": {names[r.choice_id]: r.actual_pct for r in poll.results
                       if r.actual_pct is not None},
        } for poll in polls}


def choices_of(app, slug: str) -> list[str]:
    with app.app_context():
        question = db.session.execute(select(Question).where(Question.slug == slug)).scalar_one()
        return [choice.name for choice in question.choices]


def question_slugs(app) -> set[str]:
    with app.app_context():
        return set(db.session.execute(select(Question.slug)).scalars())


def copy_data(name: str, folder: Path, new_name: str | None = None) -> Path:
    return Path(shutil.copy(DATA / name, folder / (new_name or name)))


def edit_line(path: Path, line: int, old: str, new: str) -> Path:
    """Replace ``old`` by ``new`` once on line ``line`` (1 = header) of the file."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line - 1], lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")
    return path


def run_import_jobs(app) -> int:
    """Run the queued upload imports as a worker would (the test queues have no worker);
    other messages (the recomputes the import's commit queues) are left out."""
    queue, ran = jobs(app), 0
    while (task := queue.huey.dequeue()) is not None:
        if task.name == "import_upload":
            queue.huey.execute(task)
            ran += 1
    return ran
