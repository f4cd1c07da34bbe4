"""Pollster ratings from the store's decided races, against FiveThirtyEight's published
figures for the same polls (``tests/data/fte_raw_polls_rated.csv``: every raw-polls.csv row
of Selzer & Co. and The New York Times/Siena College; 538's pollster-ratings.csv, 2023, gives
their "Simple Average Error" as 4.917 and 4.043 over 53 and 95 polls, and "Bias" as +0.298
and +1.243 over 35 and 94): the command stores them, the pollster page, the API and the CSV
show them; a pollster with too few polls is not rated."""

from __future__ import annotations

import csv
import io

import pytest
from import_support import DATA, import_json

from pollservice.extensions import db
from pollservice.jobs.ratings import rating_polls
from pollservice.stats.ratings import poll_errors

pytestmark = pytest.mark.jobs_run(False)

RATED = DATA / "fte_raw_polls_rated.csv"
# 538's pollster-ratings.csv (2023): Simple Average Error, Polls Analyzed, Bias, polls for bias
PUBLISHED = {"Selzer & Co.": (4.916847985, 53, 0.297644697, 35),
             "The New York Times/Siena College": (4.043249833, 95, 1.243259572, 94)}


@pytest.fixture
def rated(app, runner):
    assert import_json(runner, RATED)["added"] > 140
    result = runner.invoke(args=["rate-pollsters"])
    assert result.exit_code == 0, result.output
    return app, result.output


def test_each_polls_error_is_538s_for_the_same_polls(rated):
    app, output = rated
    with app.app_context():
        errors = poll_errors(rating_polls(db.session))
    for pollster, (mean_error, polls, bias, bias_polls) in PUBLISHED.items():
        own = errors[errors["pollster"] == pollster]
        assert len(own) == polls, pollster
        assert own["abs_error"].mean() == pytest.approx(mean_error, abs=0.02), pollster
        dem = own["dem_error"].dropna()
        # 538's bias covers the races between a Democrat and a Republican too, with its own
        # exclusions (a few polls fewer): the sign and size agree within half a point
        assert abs(len(dem) - bias_polls) <= 3 and dem.mean() == pytest.approx(bias, abs=0.5), pollster
    assert "rated 2" in output


def test_the_page_the_api_and_the_csv_show_the_stored_rating(rated, client):
    app, _ = rated
    siena = client.get("/api/v1/pollsters/the-new-york-times-siena-college").get_json()
    rating = siena["rating"]
    assert rating["polls"] == 95 and rating["races"] > 30 and rating["window_days"] == 21
    mae = rating["mean_absolute_error"]
    assert mae["lower"] < mae["mean"] < mae["upper"] and 2 < mae["mean"] < 7
    assert rating["bias"]["mean"] > 0  # too Democratic, as 538 found
    assert rating["verdict"] in ("better", "worse", "indistinguishable")
    page = client.get("/pollsters/the-new-york-times-siena-college").get_data(as_text=True)
    assert 'id="accuracy"' in page and "95 polls of" in page and "D+" in page
    body = client.get("/api/v1/pollster-ratings.csv")
    assert body.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(body.get_data(as_text=True))))
    assert {row["pollster"] for row in rows} == set(PUBLISHED)
    assert {row["slug"] for row in rows} == {"selzer-co", "the-new-york-times-siena-college"}
    assert "#ratings" in page and 'id="ratings"' in client.get("/methodology").get_data(as_text=True)


def test_a_pollster_without_enough_decided_races_is_not_rated(rated, runner, client):
    assert import_json(runner, DATA / "fte_raw_polls.csv")["added"] > 0  # a few polls of others
    assert runner.invoke(args=["rate-pollsters"]).exit_code == 0
    yougov = client.get("/api/v1/pollsters/yougov").get_json()
    assert yougov["polls"] >= 1 and yougov["rating"] is None
    assert "Not rated: a rating needs at least 10 polls of 5 decided races" in \
        client.get("/pollsters/yougov").get_data(as_text=True)
    assert client.get("/api/v1/pollsters/selzer-co").get_json()["rating"]["polls"] == 53
    assert client.get("/api/v1/pollsters/no-such-pollster").status_code == 404


def test_rating_again_replaces_the_stored_ratings(rated, runner):
    app, _ = rated
    from pollservice.models import PollsterRating

    with app.app_context():
        before = db.session.execute(db.select(PollsterRating.computed_at)).scalars().all()
    assert runner.invoke(args=["rate-pollsters"]).exit_code == 0
    with app.app_context():
        after = db.session.execute(db.select(PollsterRating.computed_at)).scalars().all()
    assert len(after) == len(before) == 2 and min(after) > max(before)  # one row each, new
