"""The state map (issue 14): the tile grid and its colour scale, the renderer, and the map's
page, image and JSON over the 2020 presidential races of ``browse_support`` (Pennsylvania,
Ohio and the nation, from FiveThirtyEight's polls)."""

from __future__ import annotations

import re
from io import BytesIO

import pandas as pd
import pytest
import us
from browse_support import load_races
from PIL import Image
from sqlalchemy import func, select

from pollservice import render
from pollservice.domain.state_map import (
    MIN_CONTRAST,
    NO_POLLS,
    TILES,
    contrast,
    legend_bins,
    margin_bin,
)
from pollservice.extensions import db
from pollservice.models import StoredMap
from pollservice.render import state_map as render_state_map_module

PA_RACE, OH_RACE = "2020-president-general-pa", "2020-president-general-oh"
PA_QUESTION, OH_QUESTION = "2020-president-pa-biden-trump", "2020-president-oh-biden-trump"


def test_the_grid_places_the_50_states_and_dc_each_on_its_own_cell():
    assert set(TILES) == {state.abbr for state in us.states.STATES} | {"DC"}
    assert len(set(TILES.values())) == 51
    # neighbours stay neighbours: Pennsylvania touches Ohio and New Jersey on the grid
    (pa_row, pa_col), (oh_row, oh_col), (nj_row, nj_col) = TILES["PA"], TILES["OH"], TILES["NJ"]
    assert (pa_row, pa_col - 1) == (oh_row, oh_col) and (pa_row, pa_col + 1) == (nj_row, nj_col)


@pytest.mark.parametrize(("margin", "label"), [
    (0.0, "<1"), (0.99, "<1"), (1.0, "1\u20135"), (4.9, "1\u20135"), (5.0, "5\u201310"),
    (10.0, "10+"), (37.0, "10+")])
def test_a_lead_falls_in_its_bin_on_its_party_side(margin, label):
    blue, red = margin_bin("DEM", margin), margin_bin("REP", -margin)
    assert blue.label == red.label == label
    assert blue.side == "DEM" and red.side == "REP" and blue.fill != red.fill
    # ColorBrewer RdBu: blue has the larger blue channel, red the larger red one
    assert int(blue.fill[5:7], 16) > int(blue.fill[1:3], 16)
    assert int(red.fill[1:3], 16) > int(red.fill[5:7], 16)


def test_every_colour_of_the_scale_carries_text_of_at_least_4_5_to_1():
    bins = legend_bins()
    assert [b.label for b in bins[:4]] == ["10+", "5\u201310", "1\u20135", "<1"]  # red, strongest first
    assert bins[-1] == NO_POLLS and len({b.fill for b in bins}) == len(bins)
    for entry in bins:
        assert contrast(entry.fill, entry.ink) >= MIN_CONTRAST, entry
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    for fill, hatch, ink in render_state_map_module._NO_POLLS.values():  # the renderer's no-polls tiles
        assert contrast(fill, ink) >= MIN_CONTRAST and contrast(hatch, ink) >= 3.0


def tiles_frame(leads: dict[str, tuple[str, float]]) -> pd.DataFrame:
    rows = []
    for code, (row, col) in TILES.items():
        if code in leads:
            party, lead = leads[code]
            colour = margin_bin(party, lead)
            rows.append(dict(code=code, row=row, col=col, fill=colour.fill, ink=colour.ink,
                             text=f"{party[0]}+{lead:.1f}"))
        else:
            rows.append(dict(code=code, row=row, col=col, fill=None, ink=NO_POLLS.ink, text=""))
    return pd.DataFrame(rows)


def tile_fills(svg: str) -> dict[str, str]:
    return dict(re.findall(r'<g id="tile-([A-Z]{2})">\s*<path[^>]*style="fill: ([^"]+)"', svg))


def test_the_renderer_draws_one_tile_per_state_coloured_by_its_bin_and_hatches_no_polls():
    leads = {"PA": ("DEM", 3.2), "OH": ("REP", 0.4), "TX": ("REP", 7.0), "CA": ("DEM", 25.0)}
    legend = [(b.label, b.fill if b.side else "") for b in legend_bins()]
    svg = render.render_state_map(tiles_frame(leads), title="2020 President", legend=legend, fmt="svg",
                                  description="Tile map").decode()
    fills = tile_fills(svg)
    assert len(fills) == 51
    for code, (party, lead) in leads.items():
        assert fills[code] == margin_bin(party, lead).fill
    hatched = {code for code, fill in fills.items() if fill.startswith("url(#")}
    assert hatched == set(TILES) - set(leads)
    assert "<title>2020 President</title>" in svg and ">D+3.2<" in svg


def test_the_map_png_is_drawn_light_and_dark_at_its_scale():
    frame = tiles_frame({"PA": ("DEM", 3.2)})
    light = Image.open(BytesIO(render.render_state_map(frame, title="t")))
    dark = Image.open(BytesIO(render.render_state_map(frame, title="t", theme="dark", scale=2)))
    assert light.size[0] == 800 and dark.size[0] == 1600
    assert light.convert("RGB").getpixel((2, 2)) == (255, 255, 255)
    assert dark.convert("RGB").getpixel((2, 2)) == (0x14, 0x17, 0x1C)
    with pytest.raises(ValueError, match="columns"):
        render.render_state_map(frame.drop(columns=["fill"]), title="t")
    with pytest.raises(ValueError, match="share"):
        render.render_state_map(pd.concat([frame, frame.head(1)]), title="t")


@pytest.fixture
def races_app(demo_app):
    with demo_app.app_context():
        load_races()
    return demo_app


def test_the_map_json_colours_each_state_by_its_stored_margin(races_app, client):
    body = client.get("/api/v1/races/2020/president/map").get_json()
    tiles = {t["code"]: t for t in body["tiles"]}
    assert len(tiles) == 51 and body["polled_states"] >= 2
    for code, race, question in (("PA", PA_RACE, PA_QUESTION), ("OH", OH_RACE, OH_QUESTION)):
        average = client.get(f"/api/v1/questions/{question}/margin").get_json()["average"]
        tile = tiles[code]
        assert tile["race"] == race and tile["question"] == question
        assert tile["lead"] == round(abs(average["estimate"]), 1) and tile["label"] == average["label"]
        leader = average["a"] if average["estimate"] >= 0 else average["b"]
        party = {"Joe Biden": "DEM", "Donald Trump": "REP"}[leader]
        assert tile["leader"] == leader and tile["fill"] == margin_bin(party, average["estimate"]).fill
        detail = client.get(f"/api/v1/races/{race}").get_json()
        polls = next(q["poll_count"] for q in detail["questions"] if q["slug"] == question)
        assert tile["accessible_name"] == f"{tile['name']}: {average['label']} ({polls} polls)"
    assert tiles["TX"]["fill"] is None and tiles["TX"]["label"] == "No polls" and tiles["TX"]["race"] is None
    assert "US" not in tiles  # the national race is no tile


def test_a_cycle_or_office_without_races_is_a_404_naming_the_office(races_app, client):
    for address in ("/api/v1/races/1999/president/map", "/api/v1/races/2020/king/map"):
        response = client.get(address)
        assert response.status_code == 404 and "office" in response.get_json()["error"]["fields"], address
    for address in ("/races/1999/president", "/charts/races/1999/president.png"):
        response = client.get(address)
        assert response.status_code == 404, address
        assert "No president races in 1999" in response.get_data(as_text=True), address


def test_the_race_list_shows_the_map_each_tile_linking_to_its_race(races_app, client):
    page = client.get("/races/2020/president").get_data(as_text=True)
    body = client.get("/api/v1/races/2020/president/map").get_json()
    pa = next(t for t in body["tiles"] if t["code"] == "PA")
    assert (f'<a class="tile" href="/races/{PA_RACE}" aria-label="{pa["accessible_name"]}" '
            f'data-state="PA">') in page
    assert 'aria-label="Texas: no polls"' in page and 'href="/races/2020-president-general-tx"' not in page
    assert len(re.findall(r'class="tile"', page)) == 51
    assert 'id="state-table"' in page and "Republican ahead by 10+" in page and "No polls" in page
    assert 'href="/charts/races/2020/president.png"' in page
    # a filtered list is the list alone
    assert 'id="state-map"' not in client.get("/races/2020/president?geography=PA").get_data(as_text=True)


def test_the_map_image_is_drawn_once_by_a_worker_and_then_served_stored(races_app, client):
    png = client.get("/charts/races/2020/president.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert Image.open(BytesIO(png.data)).size == (800, pytest.approx(800 * 8 / 12 * 0.78 + 130, abs=2))
    svg = client.get("/charts/races/2020/president.svg?theme=dark")
    assert svg.mimetype == "image/svg+xml" and 'id="tile-PA"' in svg.get_data(as_text=True)
    again = client.get("/charts/races/2020/president.png")
    assert again.data == png.data
    with races_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoredMap)) == 2
    assert client.get("/charts/races/2020/president.png?theme=dark").data != png.data
    for query, field in (("size=thumb", "size"), ("scale=3", "scale"), ("theme=sepia", "theme")):
        response = client.get(f"/charts/races/2020/president.png?{query}")
        assert response.status_code == 400 and field in response.get_data(as_text=True), query
    assert client.get("/charts/races/2020/president.gif").status_code == 404


def test_a_cycle_that_is_no_year_is_a_400_naming_it_not_a_database_error(races_app, client):
    """Hypothesis found 2147483648 (past PostgreSQL's integer) reaching the query."""
    for url in ("/api/v1/races/2147483648/president/map", "/charts/races/99999999999/president.png",
                "/api/v1/races/1000/president/map"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "cycle" in response.get_data(as_text=True), url
