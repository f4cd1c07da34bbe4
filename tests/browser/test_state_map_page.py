"""The state map in a real browser (issue 14): a tile of the map is a link that opens its
race, the map fits a phone, and it reads in light and dark."""

from __future__ import annotations

import re

import pytest
from browse_support import load_races
from sqlalchemy import select

from pollservice.extensions import db
from pollservice.models import Race

from .conftest import CHROMIUM, image_width, screenshot

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); browser tests need it",
                allow_module_level=True)

PA_RACE = "2020-president-general-pa"
PA_TILE = re.compile(r"^Pennsylvania: (Joe Biden|Donald Trump) \+\d+\.\d \(\d+ polls\)$")


@pytest.fixture(scope="module")
def with_state_races(live_app):
    """Pennsylvania's and Ohio's 2020 presidential races (the national race may be there
    already: tests/race_support's)."""
    with live_app.app_context():
        present = db.session.scalars(select(Race).where(Race.slug == PA_RACE)).first()
    if present is None:
        with live_app.app_context():
            load_races(places={"PA", "OH"})
    return live_app


def test_a_tile_of_the_map_opens_its_race(with_state_races, page):
    page.goto("/races/2020/president")
    tile = page.get_by_role("link", name=PA_TILE)
    assert tile.count() == 1 and tile.is_visible()
    assert page.get_by_role("img", name="Texas: no polls").count() == 1
    assert page.locator("#state-map .tile").count() == 51
    screenshot(page, "state-map")
    tile.click()
    page.wait_for_url(f"**/races/{PA_RACE}")
    assert "Pennsylvania" in page.locator("h1").inner_text()


def test_the_map_is_reached_by_keyboard(with_state_races, page):
    page.goto("/races/2020/president")
    tile = page.get_by_role("link", name=PA_TILE)
    tile.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/races/{PA_RACE}")


def test_the_map_fits_a_phone_and_its_image_loads(with_state_races, phone_page):
    phone_page.goto("/races/2020/president")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    box = phone_page.locator("#state-map").bounding_box()
    assert box is not None and 300 <= box["width"] <= 390
    screenshot(phone_page, "state-map-phone")
    phone_page.set_content(f'<img src="{phone_page.url.split("/races")[0]}/charts/races/2020/president.png">')
    assert image_width(phone_page, "img") == 800


def test_the_map_in_dark_mode(with_state_races, dark_page):
    dark_page.goto("/races/2020/president")
    hatch = dark_page.locator("#no-polls-hatch .no-polls-bg").evaluate("e => getComputedStyle(e).fill")
    assert hatch == "rgb(44, 50, 60)"
    screenshot(dark_page, "state-map-dark")


def test_the_map_links_to_a_comparison_of_its_closest_states(with_state_races, page, phone_page):
    page.goto("/races/2020/president")
    page.locator("#compare-closest").click()
    page.wait_for_url("**/compare?q=*")
    assert image_width(page, "#main img, main img") == 800
    assert page.locator("#compare-table tbody tr").count() == 2
    screenshot(page, "compare")
    phone_page.goto(page.url.replace(page.url.split("/compare")[0], ""))
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "compare-phone")
