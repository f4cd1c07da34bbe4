"""Issue 18 (write paths and input validation): races on new pollsters, implausible dates,
control characters, inputs that gave a 500, and names that break export or identity."""

from __future__ import annotations

import threading

import pytest

from conftest import ON_POSTGRES
from pollservice.extensions import db
from pollservice.models import Poll, Pollster
from pollservice.services.tokens import create_token

POLL = {
    "pollster": "API Pollster", "sponsor": "A Newspaper", "start_date": "2017-04-10",
    "end_date": "2017-04-12", "sample_size": 900, "population": "lv", "mode": "Online",
    "source_url": "https://example.org/release", "results": {"Support": 35.5, "Oppose": 55},
}
POLLS_URL = "/api/v1/questions/calexit/polls"


@pytest.fixture
def auth(demo_app):
    with demo_app.app_context():
        _, secret = create_token("newsroom")
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.skipif(not ON_POSTGRES, reason="concurrent writers: PostgreSQL (SQLite serialises them)")
def test_concurrent_polls_of_one_new_pollster_are_all_stored_without_a_409(demo_app, client, auth):
    writers = 8
    statuses: list[tuple[int, object]] = []
    start = threading.Barrier(writers)

    def post(number: int) -> None:
        own = demo_app.test_client()
        body = {**POLL, "pollster": "Brand New Research", "source_id": f"race-{number}"}
        start.wait()
        response = own.post(POLLS_URL, json=body, headers=auth)
        statuses.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=post, args=(number,)) for number in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in statuses] == [201] * writers, statuses
    with demo_app.app_context():
        stored = db.session.execute(db.select(Poll.source_id).join(Pollster).where(
            Pollster.name == "Brand New Research")).scalars().all()
    assert sorted(stored) == sorted(f"race-{n}" for n in range(writers))


def test_a_real_duplicate_source_id_is_still_409_naming_source_id(demo_app, client, auth):
    body = {**POLL, "pollster": "Another New Pollster", "source_id": "dup-1"}
    assert client.post(POLLS_URL, json=body, headers=auth).status_code == 201
    again = client.post(POLLS_URL, json=body, headers=auth)
    assert again.status_code == 409
    assert list(again.get_json()["error"]["fields"]) == ["source_id"]


def test_a_unique_violation_other_than_the_source_id_is_not_reported_as_one(demo_app):
    """The 409 names the poll only when the poll's own constraint failed."""
    from sqlalchemy.exc import IntegrityError

    from pollservice.services.bulk import violated_constraint

    with demo_app.app_context():
        try:
            db.session.execute(db.text(
                "INSERT INTO pollster (name, slug) SELECT name, 'x-other' FROM pollster LIMIT 1"))
        except IntegrityError as exc:
            db.session.rollback()
            assert violated_constraint(exc) == "uq_pollster_name"
        else:
            raise AssertionError("the insert should have failed")
