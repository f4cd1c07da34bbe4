"""The 2020 election demo the run command loads: real races with results on the front page,
found by search, with their result beside the final average; candidates who left the race
(Schultz, Amash: in no poll for the last 60 days) are not in a card's current average."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from pollservice.extensions import db
from pollservice.jobs import compute
from pollservice.models import Poll, Question, Race
from pollservice.services.demo import DEMO_SETS, load_demo

BATTLEGROUNDS = ("az", "ga", "mi", "nc", "pa", "wi")


@pytest.mark.jobs_run(False)
def test_the_election_demo_loads_seven_races_with_results_and_shows_them(app, client, runner):
    result = runner.invoke(args=["load-demo", "--set", "elections"])
    assert result.exit_code == 0, result.output
    assert "demo_2020_president_polls.csv: added" in result.output
    with app.app_context():
        # What a worker does for every question, for the two whose averages this test reads
        # (all of them would cost a minute: tests/test_jobs.py covers the worker).
        for slug in ("2020-president-us", "2020-president-pa"):
            compute.recompute_now(db.session.scalar(select(Question.id).where(Question.slug == slug)))
        races = {race.slug: race for race in db.session.scalars(select(Race))}
        assert set(races) == {"2020-president-us", *(f"2020-president-{s}" for s in BATTLEGROUNDS)}
        pa = races["2020-president-pa"]
        assert pa.election_date.isoformat() == "2020-11-03"
        assert {r.candidate: r.vote_share for r in pa.results} == {"Biden": 50.01, "Trump": 48.84}
        main = db.session.scalar(select(Question).where(Question.slug == "2020-president-pa"))
        assert main.race_id == pa.id and not main.hypothetical and main.geography == "PA"
        assert {c.name: c.party for c in main.choices}["Biden"] == "DEM"
        # every version of a poll is kept; one per poll and question is counted
        counted = db.session.scalar(select(func.count(Poll.id)).where(
            Poll.question_id == main.id, Poll.counted.is_(True)))
        assert counted == main.poll_count > 100

    front = client.get("/").get_data(as_text=True)
    assert "2020 presidential election in Pennsylvania" in front
    national = front[front.index("2020 presidential election nationwide"):]
    national = national[:national.index("</li>")]
    assert "Biden" in national and "Trump" in national
    assert "Schultz" not in national and "Amash" not in national  # left the race

    found = client.get("/api/v1/search?q=biden%20pennsylvania").get_json()
    assert found["questions"][0]["slug"] == "2020-president-pa"

    race = client.get("/api/v1/races/2020-president-pa").get_json()
    biden = next(c for c in race["result"]["candidates"] if c["candidate"] == "Biden")
    assert biden["vote_share"] == 50.01 and biden["final_average"] is not None
    page = client.get("/races/2020-president-pa").get_data(as_text=True)
    assert re.search(r"50\.01%", page)

    again = runner.invoke(args=["load-demo", "--set", "elections"])  # loading twice adds nothing
    assert again.exit_code == 0 and "added 0," in again.output


def test_load_demo_refuses_an_unknown_set(app):
    with app.app_context(), pytest.raises(ValueError, match="nonsense") as error:
        load_demo(["elections", "nonsense"])
    assert all(name in str(error.value) for name in DEMO_SETS)
