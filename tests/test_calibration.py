"""The calibration scoreboard (issue 17): ``flask evaluate`` judges each method's final
real-time average of a decided race against its result, with the election-day interval's
systematic error estimated without the race's cycle; the newest run is in the API and on
the methodology page. Known truth: the 2020 national race of ``race_support`` (538's result,
Biden 51.37, Trump 46.91: margin +4.46)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from race_support import ELECTION_DAY, RESULT, SLUG, build_race

from pollservice import stats
from pollservice.stats.calibration import RECORD_COLUMNS, calibration_table


def test_the_table_counts_races_and_coverage_per_group():
    records = pd.DataFrame([
        ("kalman", 2020, "senate", 1, 2.0, True, True, 0, 4.0, 10.0),
        ("kalman", 2020, "senate", 2, -4.0, False, True, 1, 5.0, 12.0),
        ("kalman", 2016, "senate", 3, 6.0, False, False, 0, 6.0, 14.0),
        ("lowess", 2020, "senate", 1, 1.0, True, True, 0, 3.0, 9.0),
    ], columns=list(RECORD_COLUMNS))
    by_method = calibration_table(records, ("method",)).set_index("method")
    assert by_method.loc["kalman", "races"] == 3 and by_method.loc["kalman", "mean_abs_error"] == 4.0
    assert by_method.loc["kalman", "band_coverage"] == pytest.approx(1 / 3)
    assert by_method.loc["kalman", "outcome_held"] == 2 and by_method.loc["lowess", "races"] == 1
    assert by_method.loc["kalman", ["mean_band_width", "mean_outcome_width"]].tolist() == [5.0, 12.0]
    assert calibration_table(records.iloc[0:0], ("method",)).empty
    with pytest.raises(ValueError, match="lack the columns"):
        calibration_table(records.drop(columns=["error"]))


def test_evaluate_judges_each_methods_final_average_against_the_result(demo_app, client, runner):
    assert client.get("/api/v1/calibration").get_json()["computed_at"] is None
    assert "Not computed yet" in client.get("/methodology").get_data(as_text=True)
    build_race(demo_app)
    result = runner.invoke(args=["evaluate"])
    assert result.exit_code == 0, result.output
    assert "Evaluated 1 decided races" in result.output
    body = client.get("/api/v1/calibration").get_json()
    assert body["races"] == 1 and {row["method"] for row in body["by_method"]} == set(stats.METHODS)
    actual = RESULT["Biden"] - RESULT["Trump"]
    for row in body["by_cycle"]:
        assert (row["cycle"], row["office"], row["races"]) == (2020, "president", 1)
        # the real-time margin on the last day up to Election Day, minus the result
        margin = client.get(f"/api/v1/questions/{SLUG}/margin?method={row['method']}&realtime=true"
                            f"&a=Biden&b=Trump").get_json()
        final = [d for d in margin["trend"] if d["estimate"] is not None
                 and dt.date.fromisoformat(d["date"]) <= ELECTION_DAY][-1]
        assert row["mean_abs_error"] == pytest.approx(abs(final["estimate"] - actual), abs=0.01)
        assert row["band_coverage"] == float(final["lower"] <= actual <= final["upper"])
        # the election-day interval, without 2020 in the systematic error, the undecided
        # allocated by the choices' real-time shares that day
        shares = client.get(f"/api/v1/questions/{SLUG}/trend?method={row['method']}&realtime=true"
                            f"&from={final['date']}&to={final['date']}").get_json()["choices"]
        decided = sum(points[0]["estimate"] for points in shares.values() if points)
        assert 80 < decided < 100
        frame = pd.DataFrame([{"date": pd.Timestamp(final["date"]), "estimate": final["estimate"],
                               "lower": final["lower"], "upper": final["upper"]}])
        bounds = stats.outcome_bounds(frame, ELECTION_DAY, "president", "margin",
                                      leave_out_cycle=2020, decided=decided).iloc[0]
        assert row["outcome_coverage"] == float(bounds["outcome_lower"] <= actual <= bounds["outcome_upper"])
        assert row["mean_band_width"] == pytest.approx(final["upper"] - final["lower"], abs=0.01)
        width = bounds["outcome_upper"] - bounds["outcome_lower"]
        assert row["mean_outcome_width"] == pytest.approx(width, abs=0.01)
    page = client.get("/methodology").get_data(as_text=True)
    assert 'id="calibration"' in page and "Our 95% election-day intervals (kalman) held the result in" in page
