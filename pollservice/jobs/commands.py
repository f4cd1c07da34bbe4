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

from ..cli import ServiceCommand
from ..domain.ratings import MIN_POLLS, MIN_RACES
from ..services.averages import stale_questions
from . import compute, queue
from .calibration import evaluate
from .ratings import rate_pollsters


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


@click.command("rate-pollsters", cls=ServiceCommand)
@with_appcontext
def rate_pollsters_command() -> None:
    """Rate every pollster from the decided races in the store (their final polls against
    the results) and replace the stored ratings the pollster pages and the API show."""
    done = rate_pollsters()
    click.echo(f"Judged {done['polls']:,} polls of {done['races']:,} decided races by {done['pollsters']:,} "
               f"pollsters; rated {done['rated']:,} (at least {MIN_POLLS} polls in {MIN_RACES} races).")


@click.command("evaluate", cls=ServiceCommand)
@with_appcontext
def evaluate_command() -> None:
    """Judge every method's final average of each decided race against its result and store
    the calibration scoreboard (``GET /api/v1/calibration``, the methodology page)."""
    run = evaluate()
    click.echo(f"Evaluated {run.races:,} decided races"
               + (" (left out: " + "; ".join(f"{n} {why}" for why, n in run.skipped.items()) + ")"
                  if run.skipped else "") + ".")
    click.echo(f"{'method':<10} {'races':>6} {'mean error':>10} {'in band':>8} "
               f"{'in election-day interval':>25} {'its mean width':>14}")
    for row in run.tables["by_method"]:
        click.echo(f"{row['method']:<10} {row['races']:>6} {row['mean_abs_error']:>10.2f} "
                   f"{row['band_coverage']:>8.1%} {row['outcome_held']:>12} of {row['races']} "
                   f"({row['outcome_coverage']:.1%}) {row['mean_outcome_width']:>14.1f}")


def init_app(app: Flask) -> None:
    for command in (worker_command, recompute_averages_command, rate_pollsters_command, evaluate_command):
        app.cli.add_command(command)
