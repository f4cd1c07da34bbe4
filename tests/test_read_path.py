"""The read path: stored averages (reads never recompute), HTTP caching, version signal."""

from __future__ import annotations

import os
import uuid
from dataclasses import replace

import pytest
import sqlalchemy as sa

from conftest import ON_POSTGRES, make_app
from pollservice import stats
from pollservice.extensions import db
from pollservice.readmodel import read_model
from pollservice.services.polls import add_poll

NEW_POLL = {"pollster": "Late Poll", "start_date": "2017-04-20", "end_date": "2017-04-21",
            "population": "a", "sample_size": "800", "results": {"Support": "45", "Oppose": "40"}}


def forbid_statistics(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a read recomputed the statistics")

    for name in ("fit", "trend", "average", "poll_contributions", "house_effects"):
        monkeypatch.setattr(stats, name, refuse)


def test_reads_of_the_default_method_never_recompute(demo_app, client, monkeypatch):
    forbid_statistics(monkeypatch)
    for url in ("/api/v1/questions", "/api/v1/questions/trump-approval/average",
                "/api/v1/questions/trump-approval/trend", "/api/v1/questions/trump-approval/house-effects",
                "/api/v1/questions/trump-approval/trend?from=2017-03-01&to=2017-03-31", "/"):
        assert client.get(url).status_code == 200, url


def test_every_method_is_stored_and_read_without_fitting(demo_app, client, monkeypatch):
    forbid_statistics(monkeypatch)
    for method in ("kalman", "weighted", "latest", "lowess"):
        for realtime in ("false", "true"):
            first = client.get(f"/api/v1/questions/calexit/trend?method={method}&realtime={realtime}")
            assert first.status_code == 200 and first.get_json()["choices"]["Support"]
            read_model(demo_app).clear()  # even a fresh worker reads it from the table
            again = client.get(f"/api/v1/questions/calexit/trend?method={method}&realtime={realtime}")
            assert again.get_json() == first.get_json()


def test_writes_in_one_context_recompute_the_question_once(demo_app, monkeypatch):
    calls = []
    real_fit = stats.fit
    monkeypatch.setattr(stats, "fit", lambda *a, **k: calls.append(1) or real_fit(*a, **k))
    with demo_app.app_context():
        add_poll("calexit", NEW_POLL)
        add_poll("calexit", {**NEW_POLL, "pollster": "Second Pollster"})
        assert calls == []  # the writes only queue it
    assert len(calls) == 2 * 4  # then one fit per choice and method (both lines), once


def test_etag_and_last_modified_answer_304_until_the_data_changes(demo_app, client):
    url = "/api/v1/questions/calexit/average?method=kalman"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"]
    assert "max-age" in first.headers["Cache-Control"] and "public" in first.headers["Cache-Control"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    with demo_app.app_context():
        add_poll("calexit", NEW_POLL)
    after = client.get(url, headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag
    assert after.get_json()["as_of"] == "2017-04-21"


def second_worker(database_url, tmp_path, **config):
    return make_app(database_url, tmp_path / "second", **config)


@pytest.mark.parametrize("staleness, sees_the_write", [(0.0, True), (3600.0, False)])
def test_without_redis_another_worker_sees_a_write_after_the_staleness_bound(
        demo_app, database_url, tmp_path, staleness, sees_the_write):
    """Each app keeps its own versions: a second worker within its staleness bound still
    answers from the version it knows; past the bound it reads the new one."""
    other = second_worker(database_url, tmp_path, READ_STALENESS_SECONDS=staleness)
    url = "/api/v1/questions/calexit/average?method=weighted"
    before = other.test_client().get(url).get_json()
    with demo_app.app_context():
        add_poll("calexit", NEW_POLL)
    assert demo_app.test_client().get(url).get_json() != before  # the writer sees it at once
    assert (other.test_client().get(url).get_json() != before) is sees_the_write


def redis_available() -> bool:
    try:
        import redis

        redis.Redis(socket_connect_timeout=0.5).ping()
        return True
    except Exception:
        return False


# CI runs Redis: there a missing Redis is a failure, not a skip.
needs_redis = pytest.mark.skipif(not redis_available() and os.environ.get("CI") != "true",
                                 reason="Redis is not running on 127.0.0.1:6379")


@needs_redis
def test_with_redis_every_worker_sees_a_write_at_once(database_url, tmp_path):
    from pollservice.services.demo import load_demo

    shared = {"REDIS_URL": "redis://127.0.0.1:6379/0",
              "REDIS_KEY_PREFIX": f"pollservice-test-{uuid.uuid4().hex}:",
              "READ_STALENESS_SECONDS": 3600.0}  # only the Redis signal can make it fresh
    writer = make_app(database_url, tmp_path / "writer", **shared)
    reader = make_app(database_url, tmp_path / "reader", **shared)
    with writer.app_context():
        load_demo(["calexit"])
    url = "/api/v1/questions/calexit/average?method=weighted"
    before = reader.test_client().get(url).get_json()
    with writer.app_context():
        add_poll("calexit", NEW_POLL)
    # Each app keeps its own versions: the reader learns of the write from Redis (the
    # published message, or the key), within message delivery, however long its bound.
    # Two messages: the new data version (the answer says "updating"), then the new
    # results (the worker, here the writer's teardown): wait for the second.
    wait_until(lambda: reader.test_client().get(url).get_json()["as_of"] != before["as_of"], seconds=5.0)
    assert reader.test_client().get(url).get_json()["as_of"] == "2017-04-21"


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite only")
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    with app.app_context(), db.engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(sa.text("PRAGMA busy_timeout")).scalar() >= 5000
        assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1


def test_healthz_reports_database_and_migration(client):
    body = client.get("/healthz").get_json()
    assert body == {"status": "ok", "database": "ok", "migration": "0002"} or (
        body["status"] == "ok" and body["migration"])


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    app = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none", tmp_path)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


def count_chart_renders(monkeypatch) -> list:
    from pollservice.jobs import charts

    renders = []
    real = charts.draw_chart
    monkeypatch.setattr(charts, "draw_chart", lambda *a, **k: renders.append(a[1].fmt) or real(*a, **k))
    return renders


def test_a_chart_is_rendered_once_per_data_version_and_answers_304(demo_app, client, monkeypatch):
    renders = count_chart_renders(monkeypatch)
    url = "/charts/calexit.png?method=weighted"
    first = client.get(url)
    assert first.status_code == 200 and first.mimetype == "image/png"
    assert "max-age=300" in first.headers["Cache-Control"] and first.headers["Last-Modified"]
    again = client.get(url)
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert renders == ["png"]
    assert client.get("/charts/calexit.svg?method=weighted").mimetype == "image/svg+xml"
    assert client.get(url + "&scale=2").data != first.data  # each size is its own entry
    assert renders == ["png", "svg", "png"]
    with demo_app.app_context():
        add_poll("calexit", NEW_POLL)
    after = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200 and after.data != first.data and len(renders) == 4


@needs_redis
def test_with_redis_a_chart_rendered_by_one_worker_is_reused_by_another(database_url, tmp_path, monkeypatch):
    from pollservice.services.demo import load_demo

    shared = {"REDIS_URL": "redis://127.0.0.1:6379/0",
              "REDIS_KEY_PREFIX": f"pollservice-test-{uuid.uuid4().hex}:"}
    one = make_app(database_url, tmp_path / "one", **shared)
    two = make_app(database_url, tmp_path / "two", **shared)
    with one.app_context():
        load_demo(["calexit"])
    renders = count_chart_renders(monkeypatch)
    url = "/charts/calexit.svg?method=weighted&from=2017-01-01"
    body = one.test_client().get(url).data
    assert len(read_model(two).bodies) == 0  # the second worker has its own, empty memory
    assert two.test_client().get(url).data == body
    assert renders == ["svg"]
    with one.app_context():
        add_poll("calexit", NEW_POLL)  # then recomputed (by this process, as a worker)
    # the second worker hears of the new computed version from Redis, within delivery
    wait_until(lambda: two.test_client().get(url).data != body, seconds=2.0)
    assert len(renders) == 2


def test_a_chart_drawn_once_is_stored_for_every_worker(demo_app, client, monkeypatch):
    renders = count_chart_renders(monkeypatch)
    first = client.get("/charts/calexit.svg?method=weighted")
    read_model(demo_app).clear()  # another worker, with nothing in memory
    assert client.get("/charts/calexit.svg?method=weighted").data == first.data
    assert renders == ["svg"]  # drawn once, by a worker, and stored


def test_livez_is_a_constant_answer_that_touches_nothing(tmp_path):
    app = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none", tmp_path)
    response = app.test_client().get("/livez")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def fresh_average(app, slug: str) -> dict:
    from pollservice.readmodel.frames import poll_frames
    from pollservice.services.questions import get_question

    with app.app_context():
        return {name: stats.average(frame, method="kalman")["estimate"]
                for name, frame in poll_frames(db.session, get_question(slug)).items()}


def served(client, slug: str) -> dict:
    return client.get(f"/api/v1/questions/{slug}/average").get_json()


def served_estimates(client, slug: str) -> dict:
    return {name: choice["estimate"] for name, choice in served(client, slug)["choices"].items()}


def test_stored_results_older_than_the_data_are_served_as_updating_never_as_current(demo_app, client):
    """A change committed whose recompute has not run (queued, or its worker killed)
    leaves the stored results at an older data version: reads serve them labelled so,
    and the sweep queues the recompute, whose results are then current."""
    from pollservice.jobs import queue
    from pollservice.models import Poll, Question

    before = served(client, "calexit")
    with demo_app.app_context():
        question = db.session.execute(sa.select(Question).where(Question.slug == "calexit")).scalar_one()
        first = db.session.execute(sa.select(sa.func.min(Poll.id)).where(
            Poll.question_id == question.id)).scalar_one()  # Reuters/Ipsos: Support only
        db.session.execute(sa.update(Poll).where(Poll.id == first)
                           .values(deleted_at=sa.func.current_timestamp()))
        db.session.execute(sa.update(Question).where(Question.id == question.id)
                           .values(data_version=Question.data_version + 1))
        db.session.commit()  # behind the ORM's back: no job queued
        first_question = question.id
    read_model(demo_app).clear()
    during = served(client, "calexit")
    assert during["choices"] == before["choices"]
    assert during["computed"]["updating"] is True
    assert during["computed"]["latest_data_version"] == during["computed"]["data_version"] + 1
    with demo_app.app_context():
        assert queue.sweep(db.session) == [first_question]
    read_model(demo_app).clear()
    after = served(client, "calexit")
    assert after["computed"]["updating"] is False
    assert after["choices"]["Support"]["estimate"] != before["choices"]["Support"]["estimate"]
    assert served_estimates(client, "calexit") == pytest.approx(fresh_average(demo_app, "calexit"), abs=1e-3)


def test_with_redis_down_reads_and_charts_still_answer(database_url, tmp_path, caplog):
    from pollservice.services.demo import load_demo

    app = make_app(database_url, tmp_path / "down", REDIS_URL="redis://127.0.0.1:1/0")
    with app.app_context():
        load_demo(["calexit"])
    client = app.test_client()
    assert client.get("/api/v1/questions/calexit/average").status_code == 200
    chart = client.get("/charts/calexit.svg?method=weighted")
    assert chart.status_code == 200 and chart.data.startswith(b"<?xml")
    assert "unavailable" in caplog.text


def redis_apps(database_url, tmp_path, *names):
    shared = {"REDIS_URL": "redis://127.0.0.1:6379/0",
              "REDIS_KEY_PREFIX": f"pollservice-test-{uuid.uuid4().hex}:"}
    return [make_app(database_url, tmp_path / name, **shared) for name in names]


def wait_until(condition, seconds: float = 5.0) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@needs_redis
def test_with_redis_a_subscribed_worker_hears_versions_without_asking(database_url, tmp_path, monkeypatch):
    import redis

    from pollservice.services.demo import load_demo

    (app,) = redis_apps(database_url, tmp_path, "worker")
    with app.app_context():
        load_demo(["calexit"])
    client = app.test_client()
    assert client.get("/api/v1/questions/calexit/average").status_code == 200
    versions = read_model(app).versions
    with app.app_context():
        listener = versions.listener()
        wait_until(listener.subscribed.is_set)
        state = versions.state(db.session, "calexit")
        versions.state(db.session, "calexit")  # kept under the listener's subscription
    monkeypatch.setattr(versions.redis, "get", lambda *a, **k: pytest.fail("a read asked Redis"))
    assert client.get("/api/v1/questions/calexit/average").status_code == 200  # no GET
    # Another process publishes a newer version: this worker hears it without asking.
    newer = replace(state, version=state.version + 5)
    message = f"calexit|{newer.encode()}"
    redis.Redis().publish(app.config["REDIS_KEY_PREFIX"] + "versions", message)
    with app.app_context():
        wait_until(lambda: versions.state(db.session, "calexit").version == state.version + 5)
        # An older version arriving late never replaces a newer one.
        versions.publish([state])
        assert versions.state(db.session, "calexit").version == state.version + 5


@needs_redis
def test_with_redis_a_renamed_question_moves_for_every_worker_at_once(database_url, tmp_path):
    from pollservice.services.demo import load_demo
    from pollservice.services.questions import ChoiceEdit, get_question, update_question

    writer, reader = redis_apps(database_url, tmp_path, "writer", "reader")
    with writer.app_context():
        load_demo(["calexit"])
    client = reader.test_client()
    assert client.get("/api/v1/questions/calexit").status_code == 200
    with writer.app_context():
        question = get_question("calexit")
        choices = [ChoiceEdit(c.id, c.name) for c in question.choices]
        update_question("calexit", "Should California leave?", choices, new_slug="calexit-2017")
    # The reader hears of the rename from Redis's message, within message delivery; the old
    # address then leads to the new one (web.old_slugs).
    wait_until(lambda: client.get("/api/v1/questions/calexit").status_code == 301, seconds=2.0)
    assert client.get("/api/v1/questions/calexit").headers["Location"].endswith("/questions/calexit-2017")
    assert client.get("/api/v1/questions/calexit-2017").get_json()["title"] == "Should California leave?"


def test_clients_that_accept_gzip_get_the_cached_body_compressed_with_its_own_etag(demo_app, client):
    import gzip

    url = "/api/v1/questions/trump-approval/trend"
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data and len(packed.data) < len(plain.data) / 4
    assert packed.headers["ETag"] != plain.headers["ETag"]
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304
    png = client.get("/charts/calexit.png?method=weighted", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in png.headers  # PNG is compressed already


def test_pages_are_compressed_for_browsers(demo_app, client):
    page = client.get("/questions/calexit", headers={"Accept-Encoding": "br, gzip"})
    assert page.headers["Content-Encoding"] in ("br", "gzip")


def test_query_parameters_a_view_ignores_do_not_make_new_cache_entries(demo_app, client, monkeypatch):
    renders = count_chart_renders(monkeypatch)
    for n in range(5):
        assert client.get(f"/charts/calexit.png?method=weighted&junk={n}").status_code == 200
    assert renders == ["png"]
    url = "/api/v1/questions/calexit/trend"
    one = client.get(url + "?method=weighted&junk=1")
    two = client.get(url + "?method=weighted&junk=2")
    assert one.headers["ETag"] == two.headers["ETag"]
    assert client.get(url + "?method=weighted").headers["ETag"] == one.headers["ETag"]
    assert client.get(url + "?method=kalman").headers["ETag"] != one.headers["ETag"]  # another query
