"""Every HTML page of the site and the admin, on a phone and a desktop, in light and dark:
each loads, nothing is wider than a phone's viewport (issue 14, "no page wider than the
viewport at 390 px"), and each screenshot is kept to be looked at."""

from __future__ import annotations

import pytest
from flask import url_for
from race_support import RACE_SLUG, build_race
from sqlalchemy import select

from pollservice.extensions import db
from pollservice.models import Poll, Pollster, Question, Race

from .conftest import open_page, screenshot

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}
# Routes that answer something other than an HTML page (images, JSON) or need an upload.
NOT_PAGES = {"web.chart", "web.chart_data_json", "web.race_map_chart", "web.compare_chart",
             "admin.suggest_questions_json", "admin.upload_progress", "service.healthz", "service.livez"}


def page_urls(app) -> list[tuple[str, str]]:
    """(endpoint, URL) of every GET page of the web and admin blueprints, with the
    demo's real values in its arguments, so that a new page cannot escape the test."""
    with app.app_context():
        race = db.session.scalars(select(Race).order_by(Race.id)).first()
        values = {
            "slug": "calexit",
            "poll_id": db.session.scalars(select(Poll.id).order_by(Poll.id)).first(),
            "cycle": race.cycle, "office": race.office,
        }
        pollster = db.session.scalars(select(Pollster.slug).order_by(Pollster.id)).first()
        race_slug = race.slug
        assert db.session.scalars(select(Question).where(Question.slug == "calexit")).first()
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
            continue
        if not rule.endpoint.startswith(("web.", "admin.")):
            continue
        arguments = {name: values[name] for name in rule.arguments}
        if rule.endpoint in ("web.pollster", "admin.edit_pollster", "admin.merge_pollster"):
            arguments["slug"] = pollster
        if rule.endpoint == "web.race":
            arguments["slug"] = race_slug
        if rule.endpoint in ("web.report", "web.report_sent"):  # about a poll: its query argument
            arguments["poll"] = values["poll_id"]
        with app.test_request_context():
            urls.append((rule.endpoint, url_for(rule.endpoint, **arguments)))
    return sorted(urls)


# The innermost elements reaching past 390 px, to say what makes a page too wide.
WIDEST_ELEMENTS = """() => {
  const scrolled = e => { for (let a = e.parentElement; a; a = a.parentElement) {
    if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return true; }
    return false; };
  const wide = [...document.body.querySelectorAll('*')].filter(
    e => e.getBoundingClientRect().right > 391 && !scrolled(e));
  const innermost = wide.filter(e => !wide.some(other => other !== e && e.contains(other)));
  return innermost.slice(0, 4).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '') +
    ' ' + Math.round(e.getBoundingClientRect().right));
}"""


@pytest.fixture(scope="module")
def with_race(live_app):
    """The 2020 presidential race (the browser demo has none), so race pages are walked too."""
    with live_app.app_context():
        present = db.session.scalars(select(Race).where(Race.slug == RACE_SLUG)).first()
    if present is None:
        build_race(live_app)
    return live_app


DEVICES = {"phone": PHONE, "desktop": {"viewport": {"width": 1280, "height": 900}}}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("device", list(DEVICES))
@pytest.mark.parametrize("signed_in", [False, True], ids=["public", "admin"])
def test_every_page_loads_and_none_is_wider_than_a_phone(browser, base_url, with_race, admin_state, signed_in,
                                                          device, scheme):
    """Every page, public or admin, on a phone and a desktop, in light and dark: a 200, no
    console error, a screenshot kept (test-artifacts/<database>/screenshots/<device>-<scheme>-
    <endpoint>.png) and, on the phone, nothing wider than its 390 px."""
    state = admin_state if signed_in else None
    context, page, problems = open_page(browser, base_url, storage_state=state, color_scheme=scheme,
                                        **DEVICES[device])
    too_wide = {}
    try:
        for endpoint, url in page_urls(with_race):
            if endpoint.startswith("admin.") != signed_in and endpoint != "admin.login":
                continue
            if signed_in and endpoint == "admin.login":
                continue
            response = page.goto(url)
            assert response is not None and response.status == 200, (url, response and response.status)
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue  # e.g. /favicon.ico: not a page
            page.wait_for_load_state("load")
            # Against the device's 390 px, not window.innerWidth: a mobile browser widens its
            # layout viewport to the content, so innerWidth grows with the overflow.
            width = page.evaluate("document.documentElement.scrollWidth")
            if device == "phone" and width > PHONE["viewport"]["width"]:
                too_wide[url] = (width, page.evaluate(WIDEST_ELEMENTS))
            screenshot(page, f"{device}-{scheme}-" + endpoint.replace(".", "-"))
    finally:
        context.close()
    assert not too_wide, f"pages wider than 390 px: {too_wide}"
    assert not problems, f"console errors: {problems}"
