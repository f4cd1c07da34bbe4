"""The robustness band (issue 17): per choice, the envelope of the current average across
defensible choices, from the stored weights (each method's own average; without partisan
polls; one population rule or another; each pollster left out, its weight spread over the
other polls). Known truth: re-weighting every poll reproduces the stored kalman average
(it is its polls' weighted sum); a pollster whose polls sit far from the rest is the most
influential; the band holds every method's average."""

from __future__ import annotations

import pandas as pd
import pytest

from pollservice.stats.robustness import reweighted, robustness_variants


def polls(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["poll_id", "pollster", "pct", "population", "partisan", "weight",
                                       "house_adjustment"])


def test_variants_reweight_the_polls_they_keep():
    frame = polls([(1, "A", 40.0, "lv", False, 0.5, 0.0), (2, "B", 50.0, "rv", False, 0.3, 2.0),
                   (3, "C", 60.0, "a", True, 0.2, -1.0), (4, "D", 99.0, "lv", False, 0.0, 0.0)])
    table = robustness_variants(frame).set_index("label")
    current = 0.5 * 40 + 0.3 * 48 + 0.2 * 61
    assert table.loc["the current average", "estimate"] == pytest.approx(current)
    assert table.loc["without partisan polls", "estimate"] == pytest.approx((0.5 * 40 + 0.3 * 48) / 0.8)
    assert table.loc["likely voters only", "estimate"] == pytest.approx(40.0)
    registered_or_likely = table.loc["registered or likely voters only", "estimate"]
    assert registered_or_likely == pytest.approx((0.5 * 40 + 0.3 * 48) / 0.8)
    assert table.loc["without C", "estimate"] == pytest.approx((0.5 * 40 + 0.3 * 48) / 0.8)
    assert "without D" not in table.index  # no weight: leaving it out changes nothing
    assert table["shift"].iloc[0] == 0
    assert pd.isna(reweighted(frame, pd.Series(False, index=frame.index)))


def test_the_api_band_holds_every_method_and_names_the_most_influential_pollster(demo_app, client):
    body = client.get("/api/v1/questions/trump-approval/robustness").get_json()
    weights_sum = None
    for name in ("Approve", "Disapprove"):
        band = body["choices"][name]
        average = client.get("/api/v1/questions/trump-approval/average").get_json()["choices"][name]
        assert band["estimate"] == pytest.approx(average["estimate"], abs=0.01)  # exact weighted sum
        for method in ("weighted", "latest", "lowess"):
            other = client.get(f"/api/v1/questions/trump-approval/average?method={method}").get_json()
            assert band["low"] - 0.01 <= other["choices"][name]["estimate"] <= band["high"] + 0.01
        assert band["low"] <= band["estimate"] <= band["high"]
        top = band["most_influential"]
        leave_outs = [v for v in band["variants"] if v["kind"] == "pollster"]
        assert leave_outs and abs(top["shift"]) == max(abs(v["shift"]) for v in leave_outs)
        assert f"without {top['pollster']}" in [v["label"] for v in band["variants"]]
        weights_sum = band["variants_tried"]
    assert weights_sum > 5
    page = client.get("/questions/trump-approval").get_data(as_text=True)
    assert 'id="robustness"' in page and "Not a statistical interval" in page
