"""The store -> frame path moves polls of other populations to the question's target
(issue 12, item 6): the versions a poll reported for several populations measure the gap;
the averages fit the moved polls, the charts' dots stay the polls as published."""

from __future__ import annotations

import datetime as dt

import pytest
from import_support import DATA, import_json, run_import_jobs

from pollservice import stats
from pollservice.domain.margins import Pair
from pollservice.domain.versions import target_population
from pollservice.extensions import db
from pollservice.jobs.changes import choice_change
from pollservice.jobs.compute import compute_payloads
from pollservice.jobs.populations import fit_frames
from pollservice.readmodel.frames import poll_frames, population_versions
from pollservice.services.polls import add_poll
from pollservice.services.questions import get_question


def test_the_target_is_the_questions_first_preferred_population_its_polls_hold():
    assert target_population(["rv", "lv", "a"], is_race=True) == "lv"
    assert target_population(["rv", "a"], is_race=True) == "rv"
    assert target_population(["rv", "lv"], is_race=False) == "rv"
    assert target_population([], is_race=True) is None


def test_approval_polls_of_voters_are_moved_to_adults_and_the_averages_fit_them(app, runner, client):
    import_json(runner, DATA / "fte_president_approval_polls.csv")  # 538: two polls for adults and voters
    with app.app_context():
        later = add_poll("trump-approval", {
            "pollster": "Later Pollster", "start_date": "2021-01-19", "end_date": "2021-01-20",
            "population": "rv", "sample_size": "1000", "results": {"Approve": "40", "Disapprove": "55"}})
        question = get_question("trump-approval")
        raw = poll_frames(db.session, question)
        fitted = fit_frames(db.session, question, raw)
        versions = population_versions(db.session, question)["Approve"]
        assert fitted.target == "a" and set(versions["population"]) == {"a", "rv"}
        assert versions["version_group"].nunique() == 2
        shares = fitted.shares["Approve"]
        voters = (shares["population"] != "a").to_numpy()
        assert voters.any() and (shares.loc[voters, "extra_var"] > 0).all()
        assert (shares.loc[~voters, ["population_adjustment", "extra_var"]] == 0).all().all()
        # the pairs ended on 2021-01-19: a poll of voters ended later moves by their (shrunk) gap,
        # the earlier ones only count for less
        moved = shares.set_index("poll_id")["population_adjustment"]
        assert moved[later.id] != 0 and (moved.drop(later.id) == 0).all()
        assert (shares["pct"] - shares["population_adjustment"]).to_numpy() == pytest.approx(
            raw["Approve"]["pct"].to_numpy())
        expected = stats.average(shares, "kalman")["estimate"]
        # "why it moved" lists the poll as published
        change = choice_change(shares, "kalman", dt.date(2021, 1, 18), dt.date(2021, 1, 20))
        assert next(p["pct"] for p in change["polls"] if p["id"] == later.id) == 40.0
        # each stored weight and adjustment applies to the poll as published
        payload = compute_payloads(shares, "kalman", (True,))[True]
        published = raw["Approve"].set_index("poll_id")["pct"]
        total = sum(w * (published[int(i)] - h) for i, (w, h) in payload["polls"].items())
        assert total == pytest.approx(expected, abs=0.01)
        pair = fitted.pair(Pair("Approve", "Disapprove", net=True))
        assert (pair.loc[pair["population"] != "a", "extra_var"] > 0).all()
    run_import_jobs(app)
    stored = client.get("/api/v1/questions/trump-approval/average").get_json()
    assert stored["choices"]["Approve"]["estimate"] == pytest.approx(expected, abs=0.01)
    # the robustness band re-weighs the published polls by the stored weights and adjustments
    band = client.get("/api/v1/questions/trump-approval/robustness").get_json()
    assert band["choices"]["Approve"]["estimate"] == pytest.approx(expected, abs=0.01)
