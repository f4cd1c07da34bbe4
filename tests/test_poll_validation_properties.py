"""Property: whatever a client sends as a poll, the outcome is a stored valid poll (201) or
a 4xx that names the offending field, and the database never holds an invalid poll."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from pollservice.extensions import db
from pollservice.models import Poll, Result
from pollservice.services.tokens import create_token

FIELDS = {"pollster", "sponsor", "start_date", "end_date", "sample_size", "population", "mode",
          "source_url", "partisan", "internal", "notes", "results", "source_id"}

junk = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
                 st.text(max_size=30), st.lists(st.integers(), max_size=2))
dates = st.one_of(st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat), junk)
percents = st.one_of(st.floats(-50, 150, allow_nan=False), st.integers(-5, 105), junk)
poll_bodies = st.fixed_dictionaries(
    {
        "pollster": st.one_of(st.text(min_size=1, max_size=40), junk),
        "start_date": dates,
        "end_date": dates,
        "population": st.one_of(st.sampled_from(["a", "rv", "lv", "v"]), junk),
        "results": st.one_of(
            st.dictionaries(st.sampled_from(["Support", "Oppose", "Maybe", ""]), percents, max_size=3),
            junk),
    },
    optional={
        "sample_size": st.one_of(st.integers(-5, 5000), junk),
        "sponsor": st.one_of(st.text(max_size=20), junk),
        "source_url": st.one_of(st.sampled_from(["https://example.org/p", "ftp://x", "nope"]), junk),
        "partisan": st.one_of(st.booleans(), junk),
        "extra": junk,
    },
)


@pytest.fixture
def writer(demo_app):
    with demo_app.app_context():
        _, token = create_token("property")
    return demo_app.test_client(), {"Authorization": f"Bearer {token}"}


def test_any_poll_body_is_stored_valid_or_refused_naming_a_field(demo_app, writer):
    client, headers = writer

    @given(body=poll_bodies)
    @settings(max_examples=150, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    def check(body):
        response = client.post("/api/v1/questions/calexit/polls", json=body, headers=headers)
        assert response.status_code in (201, 400, 409, 422), response.get_data(as_text=True)
        payload = response.get_json()
        if response.status_code == 201:
            assert 0 < len(payload["results"]) and all(0 <= v <= 100 for v in payload["results"].values())
            assert payload["start_date"] <= payload["end_date"]
        else:
            named = payload["error"]["fields"]
            assert named, payload
            # "body": the whole body, e.g. a poll identical to one stored before (409)
            assert all(key.split(".")[0] in FIELDS | {"extra", "body"} for key in named), named

    check()
    with demo_app.app_context():
        for poll in db.session.execute(select(Poll)).scalars():
            assert poll.start_date <= poll.end_date
            assert poll.sample_size is None or poll.sample_size > 0
            assert poll.population in {"a", "rv", "lv", "v"}
            assert poll.results, f"poll {poll.id} has no result"
            assert sum(r.pct for r in poll.results) <= 101
        assert all(0 <= r.pct <= 100 for r in db.session.execute(select(Result)).scalars())
