"""Pollsters in a real browser, with CSRF on: the poll form's pollster search, a typo
answered with "did you mean" and created only once confirmed, and a merge that keeps
every poll."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from pollservice.extensions import db
from pollservice.models import Poll, Pollster
from pollservice.services.polls import add_poll
from pollservice.services.pollsters import add_pollster

from .conftest import CHROMIUM, screenshot
from .test_admin_pages import fill_poll, poll_count

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); browser tests need it",
                allow_module_level=True)


def polls_of(app, slug: str) -> set[int]:
    with app.app_context():
        return set(db.session.execute(select(Poll.id).join(Pollster).where(Pollster.slug == slug)).scalars())


def pollster_count(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(Pollster.id))).scalar_one()


def test_typing_suggests_pollsters_and_a_typo_is_created_only_once_confirmed(admin_page, live_app):
    admin_page.goto("/admin/polls/new?question=calexit")
    field = admin_page.get_by_label("Pollster", exact=True)
    field.press_sequentially("gállup", delay=30)  # an accent the name does not have
    # the page lists every name (for browsers without JavaScript); typing asks the search,
    # whose matches replace them: Gallup first
    options = admin_page.locator("#pollster-suggestions option")
    expect(options.first).to_have_attribute("value", "Gallup")
    assert options.count() <= 10

    polls, pollsters = poll_count(live_app), pollster_count(live_app)
    fill_poll(admin_page, "Galup", "44", "49")
    admin_page.get_by_role("button", name="Save poll").click()
    error = admin_page.locator("#pollster-error")
    assert error.inner_text() == "No pollster called “Galup”."
    assert "pollster-error" in field.get_attribute("aria-describedby")
    assert admin_page.get_by_role("button", name="Gallup").is_visible()  # "Did you mean Gallup?"
    # the message and the choices sit right under the field
    field_box, error_box = field.bounding_box(), error.bounding_box()
    assert 0 <= error_box["y"] - (field_box["y"] + field_box["height"]) < 40
    screenshot(admin_page, "admin-poll-form-unknown-pollster")
    assert (poll_count(live_app), pollster_count(live_app)) == (polls, pollsters)

    admin_page.get_by_label("Create “Galup” as a new pollster").check()
    admin_page.get_by_role("button", name="Save poll").click()
    admin_page.wait_for_url("**/questions/calexit*")
    assert "saved" in admin_page.locator(".flash").inner_text()
    assert (poll_count(live_app), pollster_count(live_app)) == (polls + 1, pollsters + 1)
    assert len(polls_of(live_app, "galup")) == 1


def test_a_suggestion_picks_the_existing_pollster(admin_page, live_app):
    admin_page.goto("/admin/polls/new?question=calexit")
    pollsters = pollster_count(live_app)
    before = polls_of(live_app, "yougov")
    fill_poll(admin_page, "YouGuv", "21", "70")
    admin_page.get_by_role("button", name="Save poll").click()
    admin_page.get_by_role("button", name="YouGov").click()
    admin_page.wait_for_url("**/questions/calexit*")
    assert len(polls_of(live_app, "yougov")) == len(before) + 1
    assert pollster_count(live_app) == pollsters


def test_merging_a_duplicate_keeps_every_poll(admin_page, live_app):
    with live_app.app_context():
        add_pollster("Gallup Poll Duplicate")
        for day in ("2017-05-02", "2017-05-09"):
            add_poll("calexit", {"pollster": "Gallup Poll Duplicate", "start_date": day, "end_date": day,
                                 "population": "a", "results": {"Support": 30, "Oppose": 60}})
    every_poll = polls_of(live_app, "gallup") | polls_of(live_app, "gallup-poll-duplicate")
    polls = poll_count(live_app)

    admin_page.goto("/admin/pollsters/gallup-poll-duplicate/edit")
    admin_page.get_by_label("Find the pollster to merge into").fill("gallup")
    admin_page.get_by_role("button", name="Search").click()
    admin_page.get_by_role("link", name="Merge into Gallup", exact=True).click()
    assert admin_page.locator("#polls-moving").inner_text() == "2 polls"
    screenshot(admin_page, "admin-pollster-merge-confirm")
    admin_page.get_by_role("button", name="Merge Gallup Poll Duplicate into Gallup").click()
    assert "2 polls moved" in admin_page.locator(".flash").inner_text()

    assert poll_count(live_app) == polls
    assert polls_of(live_app, "gallup") == every_poll
    assert polls_of(live_app, "gallup-poll-duplicate") == set()
