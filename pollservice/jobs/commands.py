"""The commands that compute: ``flask --app pollservice worker`` and
``flask --app pollservice recompute-averages``.

They are Flask CLI plugins (the ``flask.commands`` entry points in ``pyproject.toml``),
so the ``flask`` command offers them but the web process, which never runs the CLI,
never imports the statistics (``init_app`` adds them to an app's own CLI, as tests do).
"""

from __future__ import annotations

import logging
import sys
import time

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ..services.averages import stale_questions
from . import compute, queue


@click.command("worker")
@with_appcontext
@click.option("--workers", "-w", default=2, show_default=True,
              help="Jobs run side by side (one process each).")
@click.option("--threads", is_flag=True, help="Run the jobs in threads instead of processes.")
def worker_command(workers: int, threads: bool) -> None:
    """Take jobs from the queue: recompute questions after their polls change, draw charts
    asked for. Any number of workers on any number of machines may share one queue
    (REDIS_URL); without it the queue is a SQLite file beside the database, for workers
    on this machine."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    compute.install(app)
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s")
    jobs = queue.jobs(app)
    click.echo(f"pollservice worker: {workers} {'thread' if threads else 'process'}(es) on "
               f"{type(jobs.huey.storage).__name__}", err=True)
    with app.app_context():
        queue.jobs(app).sweep_task.call_local()  # what an earlier worker left is queued again
    consumer = jobs.huey.create_consumer(workers=workers, worker_type="thread" if threads else "process",
                                         periodic=True, check_worker_health=True)
    consumer.run()


@click.command("recompute-averages")
@with_appcontext
@click.option("--all", "everything", is_flag=True,
              help="Every question with polls, not only those whose stored results are out of date.")
def recompute_averages_command(everything: bool) -> None:
    """Compute and store, in this process, the results of every question whose stored
    results are behind its polls (or of all, with --all): without waiting for a worker."""
    compute.install(current_app._get_current_object())  # type: ignore[attr-defined]
    ids = stale_questions(everything)
    started = time.perf_counter()
    with click.progressbar(ids, label=f"recomputing {len(ids)} question(s)", file=sys.stderr) as bar:
        for question_id in bar:
            compute.recompute_now(question_id)
    click.echo(f"recomputed the stored results of {len(ids)} question(s) "
               f"in {time.perf_counter() - started:.1f} s")


def init_app(app: Flask) -> None:
    for command in (worker_command, recompute_averages_command):
        app.cli.add_command(command)
