"""``flask import-results``: The Economist's presidential results set on the races their polls
made, atomically, with FILE:LINE messages for bad rows."""

from __future__ import annotations

import pytest
from import_support import DATA, import_json
from sqlalchemy import select

from pollservice.extensions import db
from pollservice.models import Race

# What is stored, not averages: recomputes wait for a worker (conftest's app).
pytestmark = pytest.mark.jobs_run(False)

RESULTS = DATA / "economist_potus_results.csv"


def results_of(app, slug: str) -> tuple[dict[str, tuple[float, str | None]], str]:
    with app.app_context():
        race = db.session.execute(select(Race).where(Race.slug == slug)).scalar_one()
        return {r.candidate: (r.vote_share, r.party) for r in race.results}, race.result_source


@pytest.fixture
def economist_races(app, runner):
    for year in ("2008", "2012", "2016"):
        assert import_json(runner, DATA / f"economist_all_polls_{year}.csv")["rejected"] == 0
    return app


def test_results_land_on_the_candidates_of_each_party_and_unheld_races_are_counted(economist_races, runner):
    app = economist_races
    result = runner.invoke(args=["import-results", str(RESULTS)])
    assert result.exit_code == 0, result.output
    # 1976 PA and 2016 FL: no polls of those races were imported
    assert ("5 rows: results set on 3 races (6 added or changed); 2 rows of races the store does not hold"
            in result.output)
    shares, source = results_of(app, "2016-president-pa")
    assert shares == {"Clinton": (47.85, "DEM"), "Trump": (48.58, "REP")}
    assert source == "economist_potus_results.csv"
    assert results_of(app, "2008-president-pa")[0] == {"Obama": (54.49, "DEM"), "McCain": (44.17, "REP")}
    again = runner.invoke(args=["import-results", str(RESULTS)])
    assert "(0 added or changed)" in again.output
    # the race's read compares the average with the result
    race = app.test_client().get("/api/v1/races/2012-president-pa").get_json()
    assert {r["candidate"]: r["vote_share"] for r in race["result"]["candidates"]} == {
        "Obama": 52.08, "Romney": 46.68}
    assert race["result"]["source"] == "economist_potus_results.csv"


def test_a_renamed_race_is_found_by_what_it_is_not_by_its_slug(economist_races, runner):
    assert runner.invoke(args=["rename-race", "2016-president-pa", "pennsylvania-2016"]).exit_code == 0
    result = runner.invoke(args=["import-results", str(RESULTS)])
    assert "results set on 3 races" in result.output
    assert results_of(economist_races, "pennsylvania-2016")[0]["Trump"] == (48.58, "REP")


def test_a_dry_run_writes_nothing(economist_races, runner):
    result = runner.invoke(args=["import-results", str(RESULTS), "--dry-run"])
    assert result.exit_code == 0 and "Dry run: nothing was written." in result.output
    assert "results set on 3 races" in result.output
    assert results_of(economist_races, "2016-president-pa")[0] == {}


@pytest.mark.parametrize("line, field, message", [
    ("2016,PA,1,0.48,1.2,0", "rep", "'1.2' is not a share of the vote between 0 and 1"),
    ("2016,PA,1,,0.4,0", "dem", "'' is not a share"),
    ("2016,Atlantis,1,0.5,0.4,0", "state", "'Atlantis' is not a US state or DC"),
    ("2016,,1,0.5,0.4,0", "state", "'' is not a US state or DC"),  # not the nation
    ("2016,FR,1,0.5,0.4,0", "state", "'FR' is not a US state or DC"),
    ("2016,Pennsylvania,1,0.5,0.4,0", "state", "PA in 2016 is on line 6 already"),
    ("twenty,PA,1,0.5,0.4,0", "year", "'twenty' is not a year"),
    ("²⁰¹⁶,PA,1,0.5,0.4,0", "year", "'²⁰¹⁶' is not a year"),
    ("2016,PA,1,0.6,0.6,0", "dem", "the shares add up to more than 1"),
])
def test_a_bad_row_rejects_the_file_with_its_line_and_field(economist_races, runner, tmp_path, line, field,
                                                            message):
    path = tmp_path / "results.csv"
    path.write_text(RESULTS.read_text() + line + "\n")
    result = runner.invoke(args=["import-results", str(path)])
    assert result.exit_code == 1
    assert f"{path}:7: {field}: {message}" in result.output
    assert "nothing was imported" in result.output
    assert results_of(economist_races, "2016-president-pa")[0] == {}


def test_a_file_without_the_columns_is_refused(app, runner, tmp_path):
    path = tmp_path / "results.csv"
    path.write_text("year,state,dem\n2016,PA,0.5\n")
    result = runner.invoke(args=["import-results", str(path)])
    assert result.exit_code == 1 and f"{path}:1: rep: required column is missing" in result.output
