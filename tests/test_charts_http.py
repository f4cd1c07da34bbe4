"""Chart endpoints: valid PNG and SVG, the same parameters as the trend endpoint."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from matplotlib.image import imread

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("method", ["weighted", "kalman"])
def test_png_chart_is_a_decodable_png(demo_app, client, method):
    response = client.get(f"/charts/trump-approval.png?method={method}")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data.startswith(PNG_SIGNATURE)
    pixels = imread(io.BytesIO(response.data))
    assert pixels.shape[0] > 100 and pixels.shape[1] > 100


def test_png_at_twice_the_scale_is_twice_as_wide(demo_app, client):
    one = imread(io.BytesIO(client.get("/charts/calexit.png?method=weighted").data))
    two = imread(io.BytesIO(client.get("/charts/calexit.png?method=weighted&scale=2").data))
    assert two.shape[1] == 2 * one.shape[1]


def test_svg_chart_is_well_formed_with_title_and_description(demo_app, client):
    response = client.get("/charts/calexit.svg?method=weighted&from=2017-01-01&to=2017-04-30")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == ns + "svg"
    title = root.find(ns + "title")
    desc = root.find(ns + "desc")
    assert title is not None and "California" in title.text
    assert desc is not None and "Support" in desc.text


@pytest.mark.parametrize(
    "url, status",
    [
        ("/charts/nope.png", 404),
        ("/charts/calexit.gif", 404),
        ("/charts/calexit.png?method=median", 400),
        ("/charts/calexit.png?from=bad", 400),
        ("/charts/calexit.png?scale=7", 400),
    ],
)
def test_chart_errors(demo_app, client, url, status):
    assert client.get(url).status_code == status


def test_each_choices_dots_are_sized_by_their_weight_in_that_choices_average(demo_app):
    from pollservice.jobs.charts import chart_series
    from pollservice.readmodel import question_view
    from pollservice.services.averages import poll_weights
    from pollservice.services.charts import ChartVariant

    with demo_app.app_context():
        view = question_view("trump-approval")
        weights = poll_weights(view, "kalman")
        frames = view.frames()
        series = {s.name: s for s in chart_series(view, ChartVariant(method="kalman"))}
    for name, frame in frames.items():
        expected = [weights[name].get(int(i), (0.0, 0.0))[0] for i in frame["poll_id"]]
        assert series[name].polls["weight"].tolist() == pytest.approx(expected)
        assert sum(w for w, _ in weights[name].values()) == pytest.approx(1.0, abs=1e-4)  # stored rounded
    assert weights["Approve"] != weights["Disapprove"]


def test_a_range_preset_never_reaches_back_before_the_first_poll(demo_app):
    from pollservice.readmodel import question_view
    from pollservice.services.charts import range_dates

    with demo_app.app_context():
        approval = question_view("trump-approval")  # polls from 2017-01-20 to 2017-04-30
        assert range_dates(approval, "6m") == (None, None)  # six months is all of it
        start, end = range_dates(approval, "30d")
        assert (end - start).days == 30 and start.isoformat() > "2017-01-20"
