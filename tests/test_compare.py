"""The comparison chart (issue 14): several questions' stored margins on one chart, by date
or by days since each line's start, over the 2020 presidential races of ``browse_support``."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO

import pandas as pd
import pytest
from browse_support import load_races
from PIL import Image
from sqlalchemy import select

from pollservice import render
from pollservice.extensions import db
from pollservice.models import StoredMap

PA, OH, US = "2020-president-pa-biden-trump", "2020-president-oh-biden-trump", "2020-president-us-biden-trump"


def line(start: str, values: list[float]) -> pd.DataFrame:
    days = pd.date_range(start, periods=len(values), freq="D")
    return pd.DataFrame({"x": days, "estimate": values, "lower": [v - 3 for v in values],
                         "upper": [v + 3 for v in values]})


def test_the_renderer_draws_each_line_by_date_or_by_days():
    svg = render.render_comparison([("Pennsylvania", line("2020-10-01", [4.0, 5.0, 6.0])),
                                    ("Ohio", line("2020-10-02", [-1.0, -2.0]))], title="Compared",
                                   fmt="svg", description="two lines").decode()
    assert "Pennsylvania" in svg and "Ohio" in svg and "<desc>two lines</desc>" in svg
    labels = set(re.findall(r"<text[^>]*>([^<]+)</text>", svg))  # y ticks every 5 points, whole
    assert {"\u22125", "0", "+5", "+10"} <= labels and not {"+2", "+8", "+7"} & labels, labels
    by_days = line("2017-01-20", [10.0, 8.0]).assign(x=[0, 1])
    png = render.render_comparison([("Trump", by_days), ("Biden", by_days.assign(estimate=[20.0, 19.0]))],
                                   title="Days", x_kind="days", x_label="days in office", theme="dark")
    assert Image.open(BytesIO(png)).size == (800, 450)
    with pytest.raises(ValueError, match="x_kind"):
        render.render_comparison([("a", by_days)], title="t", x_kind="weeks")
    with pytest.raises(ValueError, match="lines"):
        render.render_comparison([], title="t")


@pytest.fixture
def races_app(demo_app):
    with demo_app.app_context():
        load_races()
    return demo_app


def test_the_page_shows_each_questions_stored_margin_line(races_app, client):
    page = client.get(f"/compare?q={PA}&q={OH}").get_data(as_text=True)
    rows = re.findall(r'<tr><th scope="row"><a href="/questions/([^"]+)">.*?<td class="num">([^<]+)</td>\s*'
                      r'<td class="num">([^<]+)</td>', page, re.S)
    assert [slug for slug, _, _ in rows] == [PA, OH]
    for slug, first, latest in rows:  # every line Biden minus Trump, whoever leads
        margin = client.get(f"/api/v1/questions/{slug}/margin?a=Joe+Biden&b=Donald+Trump").get_json()
        known = [p for p in margin["trend"] if p["estimate"] is not None]
        assert first == known[0]["date"] and latest == f"{known[-1]['estimate']:+.1f}"
    assert page.count("<td>Joe Biden \u2212 Donald Trump</td>") == 2
    assert f'src="/charts/compare.png?q={PA}&amp;q={OH}&amp;mode=date"' in page


def test_by_days_each_line_starts_at_zero_or_at_the_start_given(races_app, client):
    with races_app.test_request_context():
        from pollservice.services.compare import comparison

        found = comparison([PA, OH], "days")
        assert [line["points"][0][0] for line in found["lines"]] == [0, 0]
        start = dt.date(2020, 1, 1)
        counted = comparison([PA], "days", start)["lines"][0]
        assert counted["origin"] == start
        assert counted["points"][0][0] == (found["lines"][0]["origin"] - start).days > 0
    png = client.get(f"/charts/compare.png?q={PA}&q={OH}&mode=days")
    assert png.status_code == 200 and png.mimetype == "image/png"
    svg = client.get(f"/charts/compare.svg?q={PA}&q={US}").get_data(as_text=True)
    assert "days since" not in svg and "Joe Biden" in svg


def test_bad_questions_or_mode_are_a_400_naming_the_field(races_app, client):
    for query, field in ((f"q={PA}&q=no-such-question", "q"), ("&".join(f"q=q{i}" for i in range(7)), "q"),
                         (f"q={PA}&mode=weekly", "mode"), (f"q={PA}&mode=days&start=yesterday", "start")):
        for address in (f"/compare?{query}", f"/charts/compare.png?{query}"):
            response = client.get(address)
            assert response.status_code == 400 and field in response.get_data(as_text=True), address
    assert client.get("/charts/compare.png").status_code == 400
    assert "up to 6 questions" in client.get("/compare").get_data(as_text=True)


def test_the_map_links_its_closest_states_to_the_comparison(races_app, client):
    page = client.get("/races/2020/president").get_data(as_text=True)
    link = re.search(r'<a href="(/compare\?[^"]+)" id="compare-closest">', page)
    assert link is not None
    compared = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert f'href="/questions/{PA}"' in compared and f'href="/questions/{OH}"' in compared


def test_only_the_newest_comparisons_stay_stored(races_app, client, monkeypatch):
    monkeypatch.setattr("pollservice.services.race_map.MAX_STORED_COMPARISONS", 2)
    for query in (f"q={PA}", f"q={OH}", f"q={PA}&q={OH}", f"q={US}"):
        assert client.get(f"/charts/compare.svg?{query}").status_code == 200
    with races_app.app_context():
        keys = db.session.scalars(select(StoredMap.key).where(StoredMap.key.startswith("compare|"))).all()
    assert len(keys) == 2


def test_the_api_gives_the_lines_the_chart_draws_and_names_bad_parameters(races_app, client):
    body = client.get(f"/api/v1/compare?q={PA}&q={OH}&mode=days").get_json()
    assert body["mode"] == "days" and [line["slug"] for line in body["lines"]] == [PA, OH]
    for line in body["lines"]:
        assert (line["a"], line["b"]) == ("Joe Biden", "Donald Trump") and line["points"][0][0] == 0
        margin = client.get(f"/api/v1/questions/{line['slug']}/margin?a=Joe+Biden&b=Donald+Trump").get_json()
        known = [p for p in margin["trend"] if p["estimate"] is not None]
        assert line["points"][-1][1] == round(known[-1]["estimate"], 2)
    by_date = client.get(f"/api/v1/compare?q={PA}").get_json()["lines"][0]
    assert by_date["points"][0][0] == by_date["origin"]
    for query, field in ((f"q={PA}&q=no-such-question", "q"), ("&".join(f"q=q{i}" for i in range(7)), "q"),
                         (f"q={PA}&mode=weekly", "mode"), (f"q={PA}&start=yesterday", "start"), ("", "q")):
        response = client.get(f"/api/v1/compare?{query}")
        assert response.status_code == 400, query
        assert field in response.get_json()["error"]["fields"], (query, response.get_json())
