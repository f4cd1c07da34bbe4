"""Dark charts: the renderer's ``theme="dark"``, the ``?theme=dark`` variant the chart
route serves, and the ``<picture>`` sources that hand it to dark-mode readers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from io import BytesIO

import matplotlib.image as mpimg
import numpy as np
import pytest
from matplotlib.colors import to_rgb
from test_charts import make_series

from pollservice.domain.vocabulary import PARTIES
from pollservice.render import PALETTE, render_thumbnail, render_trend_chart
from pollservice.render.style import DARK_BACKGROUND, THEMES
from pollservice.services.charts import DEFAULT_VARIANTS, ChartVariant

SVG = "{http://www.w3.org/2000/svg}"


def rgb_at(png: bytes, row: int, column: int) -> str:
    pixel = mpimg.imread(BytesIO(png), format="png")[row, column, :3]
    return "#" + "".join(f"{round(float(v) * 255):02x}" for v in pixel)


def test_the_dark_background_is_the_sites_dark_bg():
    assert DARK_BACKGROUND == "#14171c"
    assert THEMES["dark"].background == DARK_BACKGROUND


def test_a_dark_png_has_the_dark_background_and_a_light_one_stays_white():
    series = make_series()
    assert rgb_at(render_trend_chart("Dark", series, theme="dark"), 2, 2) == DARK_BACKGROUND
    assert rgb_at(render_trend_chart("Light", series), 2, 2) == "#ffffff"
    # Inside the plot too (the axes have a background of their own): the middle of the
    # plot, between the lines, is the dark colour or a grid line's, never white.
    pixels = mpimg.imread(BytesIO(render_trend_chart("Dark", series, theme="dark")))[..., :3]
    assert not np.all(pixels[150:300, 150:500] > 0.95, axis=-1).any()


def test_a_dark_png_draws_the_palette_brightened_where_it_is_too_dark():
    # Okabe-Ito black (the seventh colour) is invisible on #14171c: on dark it is --c6.
    assert THEMES["dark"].colour("#000000") == "#D0D0D0"
    assert THEMES["dark"].colour("#0072b2") == "#3D9BE0"  # --c0, in any case
    assert THEMES["light"].colour("#000000") == "#000000"
    black = [replace(s, color="#000000") for s in make_series(names=("Only",), levels=(40.0,))]
    pixels = mpimg.imread(BytesIO(render_trend_chart("Black", black, theme="dark")))[..., :3]
    colours = {tuple(px) for px in np.round(pixels.reshape(-1, 3) * 255).astype(int)}
    assert (0xD0, 0xD0, 0xD0) in colours and (0, 0, 0) not in colours


def test_every_dark_colour_stands_out_from_the_dark_background():
    def luminance(colour: str) -> float:
        channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    background = luminance(DARK_BACKGROUND)
    for colour in (*PALETTE, *(party.colour for party in PARTIES.values())):
        drawn = THEMES["dark"].colour(colour)
        assert (luminance(drawn) + 0.05) / (background + 0.05) >= 3.0, (colour, drawn)


def test_a_dark_svg_has_the_dark_background_and_light_text():
    svg = render_trend_chart("Dark", make_series(), fmt="svg", theme="dark").decode()
    first_patch = re.search(r'<g id="patch_1">\s*<path [^>]*style="([^"]*)"', svg)
    assert first_patch is not None and "fill: #14171c" in first_patch.group(1)
    assert "fill: #14171c" not in render_trend_chart("Light", make_series(), fmt="svg").decode()


def test_svg_text_is_kept_as_text():
    root = ET.fromstring(render_trend_chart("Kept as text", make_series(), fmt="svg"))
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert any("Kept as text" in t for t in texts)
    assert any("Support" in t for t in texts)


def test_a_dark_thumbnail_stays_transparent_but_brightens_the_palette():
    png = render_thumbnail(make_series(), theme="dark")
    assert mpimg.imread(BytesIO(png))[0, 0, 3] == 0.0
    assert png != render_thumbnail(make_series())


def test_an_unknown_theme_is_a_value_error():
    with pytest.raises(ValueError, match="theme"):
        render_trend_chart("x", make_series(), theme="sepia")
    with pytest.raises(ValueError, match="theme"):
        render_thumbnail(make_series(), theme="sepia")


def test_the_variant_key_keeps_light_keys_and_round_trips_dark_ones():
    assert ChartVariant().key == "png|full|1|kalman|||0"
    for variant in (ChartVariant(theme="dark"), ChartVariant(subject="margin", theme="dark"),
                    ChartVariant(subject="margin")):
        assert ChartVariant.from_key(variant.key) == variant


def test_the_recompute_predraws_the_dark_images_the_pages_show():
    dark = {(v.fmt, v.size, v.scale) for v in DEFAULT_VARIANTS if v.theme == "dark"}
    assert dark == {("png", size, scale) for size in ("full", "small", "thumb") for scale in (1, 2)}


def test_the_dark_chart_route_serves_a_dark_png(demo_app, client):
    response = client.get("/charts/calexit.png?theme=dark")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert rgb_at(response.data, 2, 2) == DARK_BACKGROUND
    assert rgb_at(client.get("/charts/calexit.png?theme=light").data, 2, 2) == "#ffffff"


def test_an_unknown_theme_is_a_400_naming_theme(demo_app, client):
    response = client.get("/charts/calexit.png?theme=sepia")
    assert response.status_code == 400
    # The chart route answers errors as the site's error page, which names the parameter.
    assert "Unknown theme 'sepia'" in response.get_data(as_text=True).replace("&#39;", "'")


def test_the_question_page_offers_the_dark_chart_before_the_light_ones(demo_app, client):
    html = client.get("/questions/calexit").get_data(as_text=True)
    picture = html[html.index("<picture>"): html.index("</picture>")]
    medias = re.findall(r'<source media="([^"]+)"', picture)
    assert medias == ["(prefers-color-scheme: dark) and (max-width: 600px)",
                      "(prefers-color-scheme: dark)", "(max-width: 600px)"]
    dark_sources = re.findall(r'<source media="\(prefers-color-scheme: dark\)[^>]*>', picture, re.S)
    assert all("theme=dark" in s for s in dark_sources) and len(dark_sources) == 2
    assert "theme=dark" not in picture[picture.index("<img"):]


def test_the_home_pages_thumbnails_have_a_dark_source(demo_app, client):
    html = client.get("/").get_data(as_text=True)
    dark_thumb = r'<source media="\(prefers-color-scheme: dark\)"\s+srcset="[^"]*size=thumb[^"]*theme=dark'
    assert re.search(dark_thumb, html)


def test_charts_get_no_white_card_in_dark_mode():
    from pathlib import Path
    css = (Path(__file__).parents[1] / "static" / "style.css").read_text()
    assert not re.search(r"\.chart img\s*\{[^}]*background:\s*#fff", css)
