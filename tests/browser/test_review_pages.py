"""Review before publish in a real browser, with CSRF on: a held poll is invisible on the
public question page until a reviewer publishes it from the review queue."""

from __future__ import annotations

import pytest

from pollservice.services.users import create_user

from .conftest import CHROMIUM, open_page, screenshot
from .test_admin_pages import fill_poll

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); browser tests need it",
                allow_module_level=True)

REVIEWER = {"username": "reviewer-in-browser", "password": "correct horse battery staple"}


def sign_in(page, account: dict) -> None:
    page.goto("/admin/login")
    page.get_by_label("Username").fill(account["username"])
    page.get_by_label("Password").fill(account["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/**")


@pytest.fixture
def holds_on(live_app):
    """The hold rule on for this test (the shared test app has it off)."""
    live_app.config["REVIEW_HOLDS"] = True
    yield
    live_app.config["REVIEW_HOLDS"] = False


def test_a_held_poll_is_invisible_on_the_question_page_until_a_reviewer_publishes_it(
        browser, base_url, live_app, admin_page, page, holds_on):
    with live_app.app_context():
        create_user(REVIEWER["username"], REVIEWER["password"], role="reviewer")
    admin_page.goto("/admin/polls/new?question=calexit")
    fill_poll(admin_page, "Newcomer Polling", "41", "50")
    admin_page.get_by_role("button", name="Save poll").click()
    # a new pollster: created only once confirmed, then held as a first poll
    admin_page.get_by_label("Create “Newcomer Polling” as a new pollster").check()
    admin_page.get_by_role("button", name="Save poll").click()
    admin_page.wait_for_url("**/admin/review*")
    assert "held for review: first poll from Newcomer Polling" in admin_page.locator(".flash").inner_text()

    page.goto("/questions/calexit")
    assert page.locator("#poll-table").count() == 1
    assert "Newcomer Polling" not in page.content()

    context, reviewer, problems = open_page(browser, base_url)
    sign_in(reviewer, REVIEWER)
    reviewer.goto("/admin/review")
    row = reviewer.locator("table.review-polls tbody tr", has_text="Newcomer Polling")
    assert "first poll from Newcomer Polling" in row.locator(".held-reason").inner_text()
    screenshot(reviewer, "review-queue")
    row.get_by_role("button", name="Publish").click()
    reviewer.wait_for_url("**/admin/review*")
    assert "published" in reviewer.locator(".flash").inner_text()
    assert reviewer.locator("table.review-polls tbody tr", has_text="Newcomer Polling").count() == 0
    context.close()
    assert not problems, problems

    page.goto("/questions/calexit")
    published = page.locator("#poll-table tbody tr", has_text="Newcomer Polling")
    assert published.count() == 1 and "41%" in published.inner_text()
