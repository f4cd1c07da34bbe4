"""The recompute jobs on a real queue (Huey on a SQLite file, as on the embedded default):
writes queue one coalesced job per question, reads never compute and say which version
they serve, failures are retried and then reported, a job whose worker died is run
again, and the worker command takes jobs from the queue."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select, update

from conftest import make_app
from pollservice import stats
from pollservice.extensions import db
from pollservice.jobs import compute, queue
from pollservice.models import ComputedSeries, Question, RecomputeJob, utcnow
from pollservice.readmodel import read_model
from pollservice.services.polls import add_poll
from pollservice.stats.simulate import simulate_polls

ROOT = Path(__file__).resolve().parents[1]


def new_poll(day: int, support: int = 40) -> dict:
    return {"pollster": f"Pollster {day}", "start_date": f"2017-04-{day:02d}",
            "end_date": f"2017-04-{day:02d}", "sample_size": "800", "population": "a",
            "results": {"Support": str(support), "Oppose": str(90 - support)}}


@pytest.fixture
def queued_app(database_templates, tmp_path):
    """The demo data, with a real queue that nothing takes jobs from until the test runs
    them (``run_queued``); the process can compute, as a worker."""
    url = database_templates.fresh("demo", tmp_path)
    return make_app(url, tmp_path, JOBS_IN_PROCESS=False, JOBS_SQLITE_FILE=str(tmp_path / "jobs.sqlite3"))


def run_queued(app, retries_due: bool = False) -> int:
    """Run every message waiting in the queue (and, with ``retries_due``, the retries
    scheduled for later), as a worker would; how many ran."""
    huey = queue.jobs(app).huey
    ran = 0
    if retries_due:
        for task in huey.read_schedule(dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=1)):
            task.eta = None  # due now: the test does not wait out the backoff
            huey.enqueue(task)
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran


def versions(app, slug: str = "calexit") -> tuple[int, int]:
    with app.app_context():
        row = db.session.execute(select(Question.data_version, Question.computed_version)
                                 .where(Question.slug == slug)).one()
        db.session.rollback()
        return row.data_version, row.computed_version


def job(app, slug: str = "calexit") -> RecomputeJob:
    with app.app_context():
        found = db.session.execute(
            select(RecomputeJob).join(Question).where(Question.slug == slug)).scalar_one()
        db.session.expunge(found)
        return found


def test_a_burst_of_writes_to_one_question_queues_one_recompute(queued_app):
    with queued_app.app_context():
        for day in range(5, 10):
            add_poll("calexit", new_poll(day))
    assert queue.jobs(queued_app).huey.pending_count() == 1
    assert job(queued_app).state == "queued"
    data, computed = versions(queued_app)
    assert computed < data
    assert run_queued(queued_app) == 1
    assert versions(queued_app) == (data, data)
    assert job(queued_app).state == "done"


def test_reads_serve_the_last_complete_results_labelled_as_updating_and_never_compute(
        queued_app, monkeypatch):
    client = queued_app.test_client()
    before = client.get("/api/v1/questions/calexit/average")
    old = before.get_json()
    with queued_app.app_context():
        add_poll("calexit", new_poll(5, support=70))
    read_model(queued_app).clear()

    def no_fitting(*_args, **_kwargs):
        raise AssertionError("a read fitted a model")

    monkeypatch.setattr(stats, "fit", no_fitting)
    during = client.get("/api/v1/questions/calexit/average")
    body = during.get_json()
    data, computed = versions(queued_app)
    assert body["computed"] == {**body["computed"], "data_version": computed,
                                "latest_data_version": data, "updating": True}
    assert body["choices"] == old["choices"]  # the numbers of the last complete version
    assert during.headers["Pollservice-Data-Version"] == str(computed)
    assert during.headers["Pollservice-Latest-Data-Version"] == str(data)
    assert during.headers["ETag"] != before.headers["ETag"]
    page = client.get("/questions/calexit").get_data(as_text=True)
    assert "Updating" in page
    for other in ("weighted", "lowess"):  # every method is stored: none is fitted on read
        assert client.get(f"/api/v1/questions/calexit/trend?method={other}&realtime=true").status_code == 200
    monkeypatch.undo()

    run_queued(queued_app)
    read_model(queued_app).clear()
    after = client.get("/api/v1/questions/calexit/average").get_json()
    assert after["computed"]["data_version"] == data and after["computed"]["updating"] is False
    assert after["choices"]["Support"]["estimate"] > old["choices"]["Support"]["estimate"]
    assert "Updating" not in client.get("/questions/calexit").get_data(as_text=True)


def test_a_write_during_a_running_recompute_queues_one_more(queued_app):
    with queued_app.app_context():
        add_poll("calexit", new_poll(5))
        token = queue.claim(db.session, job(queued_app).question_id)  # a worker starts it
        assert token is not None
        add_poll("calexit", new_poll(6))  # a write while it runs
        add_poll("calexit", new_poll(7))
    assert job(queued_app).state == "queued"
    huey = queue.jobs(queued_app).huey
    assert huey.pending_count() == 2  # the first message (claimed in the test) and one more
    with queued_app.app_context():  # the running attempt finishes: the row stays queued
        queue.finish(db.session, job(queued_app).question_id, token)
        db.session.commit()
    assert job(queued_app).state == "queued"
    run_queued(queued_app)
    data, computed = versions(queued_app)
    assert computed == data and job(queued_app).state == "done"


def test_a_failing_recompute_is_retried_with_backoff_then_reported(queued_app, monkeypatch):
    calls = []

    def broken(session, question_id):
        calls.append(question_id)
        raise RuntimeError("the statistics broke")

    monkeypatch.setattr(compute, "compute_results", broken)
    with queued_app.app_context():
        add_poll("calexit", new_poll(5))
    data, computed = versions(queued_app)
    run_queued(queued_app)
    failed_once = job(queued_app)
    assert failed_once.state == "queued" and "the statistics broke" in failed_once.error
    huey = queue.jobs(queued_app).huey
    assert huey.scheduled_count() == 1  # the retry waits for its backoff
    for _ in range(queue.RETRIES):
        run_queued(queued_app, retries_due=True)
    assert len(calls) == queue.RETRIES + 1
    assert job(queued_app).state == "failed"
    client = queued_app.test_client()
    health = client.get("/healthz").get_json()
    assert health["jobs"]["failed"] == 1 and health["jobs"]["questions_updating"] >= 1
    read_model(queued_app).clear()
    average = client.get("/api/v1/questions/calexit/average").get_json()
    assert average["computed"]["data_version"] == computed and average["computed"]["updating"] is True

    monkeypatch.undo()  # the next write queues it again, and it succeeds
    with queued_app.app_context():
        add_poll("calexit", new_poll(6))
    run_queued(queued_app)
    assert job(queued_app).state == "done"
    assert versions(queued_app)[1] == versions(queued_app)[0]


def test_a_job_whose_worker_died_is_run_again_by_the_sweep(queued_app):
    with queued_app.app_context():
        add_poll("calexit", new_poll(5))
        question_id = job(queued_app).question_id
        queue.jobs(queued_app).huey.flush()  # the message was taken by the worker that died
        assert queue.claim(db.session, question_id) is not None
        assert queue.sweep(db.session) == []  # still beating: left alone
        long_ago = utcnow() - dt.timedelta(seconds=queue.DEAD_SECONDS + 5)
        db.session.execute(update(RecomputeJob).values(heartbeat_at=long_ago))
        db.session.commit()
        assert queue.sweep(db.session) == [question_id]
    assert job(queued_app).state == "queued"
    run_queued(queued_app)
    data, computed = versions(queued_app)
    assert computed == data


def test_the_sweep_queues_questions_whose_results_are_behind_with_no_job(queued_app):
    with queued_app.app_context():
        db.session.execute(update(Question).where(Question.slug == "calexit")
                           .values(data_version=Question.data_version + 1))
        db.session.commit()  # as a migration or a lost message would leave it
        assert len(queue.sweep(db.session)) == 1
        assert queue.sweep(db.session) == []  # queued once
    run_queued(queued_app)
    assert versions(queued_app)[0] == versions(queued_app)[1]


def test_a_read_whose_version_was_replaced_meanwhile_starts_again_on_the_new_one(queued_app):
    client = queued_app.test_client()
    first = client.get("/api/v1/questions/calexit/trend").get_json()["computed"]["data_version"]
    for day in (5, 6):  # two complete recomputes: the first version's rows are dropped
        with queued_app.app_context():
            add_poll("calexit", new_poll(day))
        run_queued(queued_app)
    with queued_app.app_context():
        kept = set(db.session.scalars(select(ComputedSeries.data_version).join(Question)
                                      .where(Question.slug == "calexit").distinct()))
        db.session.rollback()
    assert first not in kept
    model = read_model(queued_app)
    model.bodies.clear()
    model.series.clear()
    # this worker still believes the first version is current (a message not yet heard)
    state = model.versions.kept("calexit")
    assert state is not None and state.computed_version == max(kept)
    model.versions.drop("calexit")
    model.versions.keep(replace(state, version=first, computed_version=first, checked_at=time.monotonic()))
    answer = client.get("/api/v1/questions/calexit/trend")
    assert answer.status_code == 200
    assert answer.get_json()["computed"]["data_version"] == max(kept)
    assert answer.headers["Pollservice-Data-Version"] == str(max(kept))


def test_a_recompute_draws_the_default_charts(database_templates, tmp_path):
    from pollservice.models import StoredChart
    from pollservice.services.charts import DEFAULT_VARIANTS

    app = make_app(database_templates.fresh("demo", tmp_path), tmp_path, RECOMPUTE_CHART_VARIANTS=None)
    with app.app_context():
        add_poll("calexit", new_poll(5))  # recomputed when this context ends
    with app.app_context():
        version = db.session.scalar(select(Question.computed_version).where(Question.slug == "calexit"))
        stored = dict(db.session.execute(select(StoredChart.variant, StoredChart.mimetype).join(Question)
                                         .where(Question.slug == "calexit",
                                                StoredChart.data_version == version)).all())
    assert {v.key for v in DEFAULT_VARIANTS} | {"alt|kalman", "alt|lowess"} <= set(stored)
    assert stored["svg|full|1|kalman|||0"] == "image/svg+xml" and stored["alt|kalman"] == "text/plain"
    response = app.test_client().get("/charts/calexit.png?scale=2")
    assert response.status_code == 200 and response.headers["Pollservice-Data-Version"] == str(version)


def test_a_chart_variant_not_drawn_by_default_is_drawn_by_a_worker_on_request(demo_app, client, monkeypatch):
    from pollservice.jobs import charts
    from pollservice.models import StoredChart

    address = "/charts/calexit.png?method=lowess&realtime=true&size=small"
    with demo_app.app_context():
        stored = set(db.session.scalars(select(StoredChart.variant)))
    assert "alt|lowess" in stored
    assert not any(v.startswith("png|small|1|lowess") for v in stored)
    response = client.get(address)
    assert response.status_code == 200 and response.data.startswith(b"\x89PNG")
    with demo_app.app_context():
        drawn = set(db.session.scalars(select(StoredChart.variant))) - stored
    assert drawn == {"png|small|1|lowess|||1"}

    def no_drawing(*_args):
        raise AssertionError("drawn twice")

    monkeypatch.setattr(charts, "draw_chart", no_drawing)
    read_model(demo_app).bodies.clear()
    assert client.get(address).data == response.data  # the stored drawing


def test_a_chart_no_worker_draws_in_time_is_a_503_with_retry_after(queued_app, monkeypatch):
    from pollservice.services import charts

    monkeypatch.setattr(charts, "CHART_WAIT_SECONDS", 0.2)
    response = queued_app.test_client().get("/charts/calexit.svg?method=latest")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert "being drawn" in response.get_data(as_text=True)
    assert queue.jobs(queued_app).huey.pending_count() == 1  # the drawing a worker will do


@pytest.mark.parametrize("with_redis", [False, True], ids=["sqlite-queue", "redis-queue"])
def test_the_worker_command_takes_the_jobs_of_the_queue(database_templates, tmp_path, with_redis):
    url = database_templates.fresh("demo", tmp_path)
    settings = {"JOBS_IN_PROCESS": False, "JOBS_SQLITE_FILE": str(tmp_path / "jobs.sqlite3")}
    if with_redis:
        settings.update(REDIS_URL="redis://127.0.0.1:6379/0",
                        REDIS_KEY_PREFIX=f"test-{os.getpid()}-{time.time_ns()}:")
    app = make_app(url, tmp_path, computes=False, **settings)
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "worker-test",
           "POLLSERVICE_JOBS_SQLITE_FILE": f'"{settings["JOBS_SQLITE_FILE"]}"',
           "MPLCONFIGDIR": str(tmp_path / "mpl")}
    if with_redis:
        env.update(REDIS_URL=settings["REDIS_URL"], REDIS_KEY_PREFIX=settings["REDIS_KEY_PREFIX"])
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 (closed in finally)
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "pollservice", "worker", "--workers", "1"],
        cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        with app.app_context():
            add_poll("calexit", new_poll(5))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            data, computed = versions(app)
            if computed == data:
                break
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            time.sleep(0.2)
        assert computed == data, (tmp_path / "worker.log").read_text()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()


def test_a_queued_job_whose_message_was_lost_is_sent_again(queued_app):
    with queued_app.app_context():
        add_poll("calexit", new_poll(5))
        question_id = job(queued_app).question_id
        queue.jobs(queued_app).huey.flush()  # Redis restarted: the message is gone
        assert queue.sweep(db.session) == []  # too recent to call lost
        long_ago = utcnow() - dt.timedelta(seconds=queue.LOST_SECONDS + 5)
        db.session.execute(update(RecomputeJob).values(queued_at=long_ago))
        db.session.commit()
        assert queue.sweep(db.session) == [question_id]
    assert queue.jobs(queued_app).huey.pending_count() == 1
    run_queued(queued_app)
    assert versions(queued_app)[0] == versions(queued_app)[1]


DATA = Path(__file__).parent / "data"


def test_import_polls_waits_for_the_recomputes_and_says_when_they_are_done(app, runner):
    result = runner.invoke(args=["import-polls", str(DATA / "fte_raw_polls.csv"), "--wait"])
    assert result.exit_code == 0, result.output
    assert "4 of 4 question(s) recomputed." in result.output


def test_import_polls_stops_waiting_when_no_worker_takes_the_jobs(queued_app, monkeypatch):
    from pollservice import cli

    monkeypatch.setattr(cli, "STALLED_SECONDS", 0.5)
    result = queued_app.test_cli_runner().invoke(
        args=["import-polls", str(DATA / "fte_raw_polls.csv"), "--wait"])
    assert result.exit_code == 0, result.output  # the polls are imported all the same
    assert "0 of 4 question(s) recomputed; 4 still queued" in result.output
    assert "Is a worker running? (flask --app pollservice worker)" in result.output


def test_a_recompute_fits_each_method_once_per_choice_for_both_stored_lines(monkeypatch):
    """The retrospective and the real-time payloads of a choice come from one fit: the
    average, the poll weights and the house effects are those of the method alone, and
    only the trend line differs."""
    polls, _ = simulate_polls(n_days=90, n_polls=40, seed=5)
    frame = polls.drop(columns="house_effect").assign(poll_id=range(1, len(polls) + 1))
    fits = []
    real_fit = stats.fit
    monkeypatch.setattr(stats, "fit", lambda *a, **k: fits.append(1) or real_fit(*a, **k))
    for method in stats.METHODS:
        fits.clear()
        both = compute.compute_payloads(frame, method)
        assert len(fits) == 1
        average = stats.average(frame, method)
        for realtime in (False, True):
            payload = both[realtime]
            trend = stats.trend(frame, method, realtime=realtime)
            assert payload["trend"]["estimate"] == compute._rounded(trend["estimate"].to_numpy(float))
            assert payload["average"]["estimate"] == round(float(average["estimate"]), 4)
            assert len(payload["polls"]) == len(frame)
            assert ("house_effects" in payload) == (method == "kalman" and not realtime)
        assert both[False] == compute.compute_payload(frame, method, False)


def test_a_computing_process_runs_one_blas_thread(app):
    # make_app(computes=True) installed the engine, as the worker command does
    from threadpoolctl import threadpool_info

    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == compute.BLAS_THREADS == 1 for pool in blas)


def test_choices_of_a_question_never_add_up_to_more_than_100():
    """Each choice is fitted on its own; the stored lines and averages of the question's
    choices are capped together (three choices polled at about 40 % each add up to 120)."""
    frames = {}
    for k, name in enumerate(("A", "B", "C")):
        polls, _ = simulate_polls(n_days=60, n_polls=25, start_level=40.0, seed=20 + k)
        frames[name] = polls.drop(columns="house_effect").assign(
            poll_id=range(100 * k + 1, 100 * k + 1 + len(polls)))
    frames["Empty"] = frames["A"].iloc[:0]
    for method in stats.METHODS:
        payloads = compute.compute_choices(frames, method)
        assert payloads["Empty"] is None
        for realtime in (False, True):
            lines = [pd.Series(payloads[n][realtime]["trend"]["estimate"],
                               index=payloads[n][realtime]["trend"]["date"], dtype=float)
                     for n in ("A", "B", "C")]
            total = pd.concat(lines, axis=1).sum(axis=1)
            assert total.max() <= 100.0 + 1e-3, (method, realtime, total.max())
            assert total.max() >= 99.0  # capped, not emptied
        averages = sum(payloads[n][False]["average"]["estimate"] for n in ("A", "B", "C"))
        assert averages <= 100.0 + 1e-3


def test_a_stored_poll_with_a_year_9999_date_fails_its_recompute_cleanly(queued_app):
    """Issue 18: polls stored before field dates were checked are not re-validated; such a
    poll (written behind the validator's back here) makes the statistics refuse the fit, the
    job ends failed with the reason, and readers keep the previous figures (no 73,000-day line)."""
    with queued_app.app_context():
        poll = add_poll("calexit", new_poll(5))
        db.session.execute(update(type(poll)).where(type(poll).id == poll.id)
                           .values(end_date=dt.date(9999, 12, 30)))
        db.session.commit()
    _data, computed = versions(queued_app)
    for retries_due in (False, *[True] * queue.RETRIES):
        run_queued(queued_app, retries_due=retries_due)
    failed = job(queued_app)
    assert failed.state == "failed" and "outside" in failed.error
    read_model(queued_app).clear()
    trend = queued_app.test_client().get("/api/v1/questions/calexit/trend?method=weighted").get_json()
    assert trend["computed"]["data_version"] == computed
    assert max(point["date"] for line in trend["choices"].values() for point in line) < "2018-01-01"
