"""The question page's interactive chart (static/chart.js) in a real browser: the tooltip
by mouse, keyboard and touch with the API's numbers, the legend toggle, no-JS fallback."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from race_support import RACE_SLUG, SLUG, build_race

from .conftest import CHROMIUM, open_page, screenshot

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing (apt-get install chromium); browser tests need it", allow_module_level=True
    )

TOOLTIP = ".ichart-tooltip"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def api_day(page, slug: str, iso: str) -> dict[str, dict]:
    """Per choice, the API trend's day ``iso`` by the page's method."""
    method = re.search(r"method=(\w+)", page.locator("[data-chart-data]").get_attribute("data-chart-data"))[1]
    trend = page.request.get(f"/api/v1/questions/{slug}/trend?method={method}").json()
    return {
        name: next(d for d in days if d["date"] == iso)
        for name, days in trend["choices"].items()
        if any(d["date"] == iso for d in days)
    }


def tooltip_date(page) -> str:
    text = page.locator(f"{TOOLTIP} .ichart-date").inner_text()
    return dt.datetime.strptime(text, "%b %d, %Y").date().isoformat()


def assert_tooltip_matches_api(page, slug: str) -> str:
    tooltip = page.locator(TOOLTIP)
    assert tooltip.is_visible()
    iso = tooltip_date(page)
    expected = api_day(page, slug, iso)
    assert expected
    rows = tooltip.locator("li")
    assert rows.count() == len(expected)
    for i in range(rows.count()):
        row = rows.nth(i)
        day = expected[row.get_attribute("data-choice")]
        text = row.inner_text().replace("\n", "")
        shown = re.fullmatch(r"(.+): (\d+\.\d)% ?\(95% interval (\d+\.\d)–(\d+\.\d)\)", text)
        assert shown and shown[1] == row.get_attribute("data-choice"), text
        # one decimal shown: within 0.05 of the API's value
        for value, key in zip(shown.groups()[1:], ("estimate", "lower", "upper"), strict=True):
            assert abs(float(value) - day[key]) <= 0.0501, (text, day)
    return iso


def chart_ready(page, slug: str):
    page.goto(f"/questions/{slug}")
    svg = page.locator(".ichart-svg")
    svg.wait_for()
    return svg


def test_hovering_the_chart_shows_the_days_values_and_the_nearest_poll(page):
    svg = chart_ready(page, "trump-approval")
    assert page.locator("figure.chart picture").is_hidden()
    assert svg.get_attribute("aria-describedby") == page.locator(TOOLTIP).get_attribute("id")
    assert page.locator(TOOLTIP).get_attribute("role") == "tooltip"
    alt = page.locator("figure.chart img").get_attribute("alt")
    assert "Latest estimate" in alt and svg.get_attribute("aria-label").startswith(alt)
    box = svg.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.4)
    assert_tooltip_matches_api(page, "trump-approval")
    poll = page.locator(f"{TOOLTIP} .ichart-poll")
    assert re.match(r"Poll: .+, \w{3} \d+, \d{4}", poll.inner_text())
    link = poll.get_by_role("link", name="Poll details")
    poll_id = int(link.get_attribute("href").rsplit("/", 1)[1])
    api_poll = page.request.get(f"/api/v1/polls/{poll_id}").json()
    assert api_poll["pollster"] in poll.inner_text()
    for name, value in api_poll["results"].items():
        assert f"{name} {value:.1f}%" in poll.inner_text()
    assert page.locator(".ichart-svg .marker .rule").count() == 1
    screenshot(page, "interactive-hover-desktop-light", full_page=False)
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] + 200)
    assert page.locator(TOOLTIP).is_hidden()


def test_keyboard_moves_day_by_day_and_poll_by_poll(page):
    svg = chart_ready(page, "trump-approval")
    svg.focus()
    last = assert_tooltip_matches_api(page, "trump-approval")
    page.keyboard.press("ArrowLeft")
    before = assert_tooltip_matches_api(page, "trump-approval")
    assert dt.date.fromisoformat(before) == dt.date.fromisoformat(last) - dt.timedelta(days=1)
    page.keyboard.press("Home")
    first = assert_tooltip_matches_api(page, "trump-approval")
    assert first < before
    page.keyboard.press("PageDown")
    first_poll = page.locator(f"{TOOLTIP} .ichart-poll a").get_attribute("href")
    page.keyboard.press("PageDown")
    second_poll = page.locator(f"{TOOLTIP} .ichart-poll a").get_attribute("href")
    assert first_poll != second_poll
    assert tooltip_date(page) >= first
    page.keyboard.press("Escape")
    assert page.locator(TOOLTIP).is_hidden()


def test_legend_button_hides_and_shows_a_choices_line(page):
    chart_ready(page, "trump-approval")
    button = page.locator(".ichart-legend button", has_text="Disapprove")
    assert button.get_attribute("aria-pressed") == "true"
    lines = page.locator('.ichart-svg .lines [data-choice="Disapprove"]')
    assert lines.count() == 1
    button.click()
    assert button.get_attribute("aria-pressed") == "false"
    assert lines.count() == 0
    assert page.locator('.ichart-svg .lines [data-choice="Approve"]').count() == 1
    page.locator(".ichart-svg").focus()
    assert page.locator(f"{TOOLTIP} li").all_inner_texts()[0].startswith("Approve:")
    assert page.locator(f'{TOOLTIP} li[data-choice="Disapprove"]').count() == 0
    button.click()
    assert lines.count() == 1


def test_without_javascript_the_static_chart_image_stays(browser, base_url):
    context, page, problems = open_page(browser, base_url, java_script_enabled=False)
    page.goto("/questions/trump-approval")
    image = page.locator("figure.chart img")
    assert image.is_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth") >= 800
    assert page.locator(".ichart").count() == 0
    screenshot(page, "interactive-no-js", full_page=False)
    context.close()
    assert not problems


def test_touch_on_a_phone_shows_the_tooltip_inside_the_screen(browser, base_url):
    context, page, problems = open_page(browser, base_url, **PHONE)
    svg = chart_ready(page, "calexit")
    svg.scroll_into_view_if_needed()
    box = svg.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.5)
    assert_tooltip_matches_api(page, "calexit")
    tip = page.locator(TOOLTIP).bounding_box()
    assert tip["x"] >= 0 and tip["x"] + tip["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "interactive-touch-phone-light", full_page=False)
    context.close()
    assert not problems


@pytest.mark.parametrize(
    "name, options",
    [
        ("desktop-dark", {"color_scheme": "dark"}),
        ("phone-dark", {"color_scheme": "dark", **PHONE}),
    ],
)
def test_dark_mode_chart_is_drawn_on_the_dark_page(browser, base_url, name, options):
    context, page, problems = open_page(browser, base_url, **options)
    svg = chart_ready(page, "calexit")
    assert svg.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(20, 23, 28)"
    svg.focus()
    assert_tooltip_matches_api(page, "calexit")
    screenshot(page, f"interactive-{name}", full_page=False)
    context.close()
    assert not problems


def test_race_page_chart_is_interactive_with_its_margin(page, live_app):
    from sqlalchemy import select

    from pollservice.domain.methods import DEFAULT_METHOD
    from pollservice.extensions import db
    from pollservice.models import Race

    with live_app.app_context():
        present = db.session.scalars(select(Race).where(Race.slug == RACE_SLUG)).first()
    if present is None:
        build_race(live_app)
    page.goto(f"/races/{RACE_SLUG}")
    svg = page.locator(".ichart-svg")
    svg.wait_for()
    svg.focus()
    iso = tooltip_date(page)
    margin = page.request.get(f"/api/v1/questions/{SLUG}/margin?method={DEFAULT_METHOD}").json()
    day = next(d for d in margin["trend"] if d["date"] == iso)
    text = page.locator(f"{TOOLTIP} .ichart-margin").inner_text()
    leader = margin["average"]["a"] if day["estimate"] >= 0 else margin["average"]["b"]
    shown = re.match(r"Margin: (\w+) \+(\d+\.\d)", text)
    assert shown and shown[1] == leader, text
    assert abs(float(shown[2]) - abs(day["estimate"])) <= 0.0501
    screenshot(page, "interactive-race-desktop-light", full_page=False)


def test_past_six_choices_the_five_leaders_are_drawn_and_the_rest_toggleable(page):
    """As on the image (render/layout.py ``_MAX_DRAWN``): the five highest latest estimates
    are drawn, the others start switched off in the legend and can be switched on."""
    levels = {f"Candidate {i}": 5.0 + 5 * i for i in range(8)}  # 7 leads, 0 trails
    data = {
        "question": "calexit",
        "title": "Eight candidates",
        "method": "kalman",
        "margin": None,
        "choices": [
            {
                "name": name,
                "index": i,
                "party": None,
                "line": [[f"2017-01-{d:02d}", level, level - 2, level + 2] for d in range(1, 11)],
            }
            for i, (name, level) in enumerate(levels.items())
        ],
        "polls": [],
    }
    page.route("**/charts/calexit/data.json*", lambda route: route.fulfill(json=data))
    chart_ready(page, "calexit")
    pressed = {
        b.inner_text(): b.get_attribute("aria-pressed") for b in page.locator(".ichart-legend button").all()
    }
    assert [name for name, on in pressed.items() if on == "true"] == [f"Candidate {i}" for i in range(3, 8)]
    assert page.locator(".ichart-svg .lines [data-choice]").count() == 5
    page.locator(".ichart-legend button", has_text="Candidate 0").click()
    assert page.locator('.ichart-svg .lines [data-choice="Candidate 0"]').count() == 1


def test_election_day_its_results_and_the_events_are_drawn_on_the_interactive_chart(page, live_app):
    from sqlalchemy import select

    from pollservice.extensions import db
    from pollservice.models import ChartEvent, Question, Race
    from pollservice.services.chart_events import add_event

    with live_app.app_context():
        if db.session.scalars(select(Race).where(Race.slug == RACE_SLUG)).first() is None:
            build_race(live_app)
        question = db.session.scalars(select(Question).where(Question.slug == SLUG)).one()
        if not db.session.scalars(select(ChartEvent).where(ChartEvent.label == "First debate")).first():
            add_event(question, dt.date(2020, 9, 29), "First debate", "race", "test")
    page.goto(f"/questions/{SLUG}")
    page.locator(".ichart-svg").wait_for()
    assert page.locator(".ichart-svg line.election").count() == 1
    labels = page.locator(".ichart-svg .mark-label").all_text_contents()
    assert "Election Day ◆ result" in labels and "First debate" in labels
    results = page.locator(".ichart-svg path.result")
    assert results.count() == 2  # Biden and Trump (Amash's result is not in the race's)
    titles = sorted(t.strip() for t in results.locator("title").all_text_contents())
    assert titles == ["Biden: result 51.4%", "Trump: result 46.9%"]
    # the diamonds sit on the Election Day line
    line_x = float(page.locator(".ichart-svg line.election").get_attribute("x1"))
    box = results.first.bounding_box()
    svg_box = page.locator(".ichart-svg").bounding_box()
    assert abs(box["x"] + box["width"] / 2 - svg_box["x"] - line_x) < 2
    screenshot(page, "interactive-race-election-day", full_page=False)
