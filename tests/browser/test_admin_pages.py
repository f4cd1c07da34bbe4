"""The admin area in a real browser, with CSRF on: sign in, add, edit, delete and undo."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from pollservice.extensions import db
from pollservice.models import Poll

from .conftest import CHROMIUM, screenshot

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); browser tests need it",
                allow_module_level=True)


def poll_count(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(Poll.id))).scalar_one()


def support_average(page) -> str:
    text = page.locator(".current-average").inner_text()
    return re.search(r"Support: (\d+\.\d)%", text).group(1)


def fill_poll(page, pollster: str, support: str, oppose: str) -> None:
    page.get_by_label("Pollster").fill(pollster)
    page.get_by_label("Field start").fill("2017-04-10")
    page.get_by_label("Field end").fill("2017-04-12")
    page.get_by_label("Support (%)").fill(support)
    page.get_by_label("Oppose (%)").fill(oppose)
    page.get_by_label("Sample size").fill("900")
    page.get_by_label("Population").select_option("rv")


def test_admin_signs_in_adds_a_poll_and_sees_it_in_the_table_and_the_average(browser, base_url):
    from .conftest import ADMIN, open_page

    context, page, problems = open_page(browser, base_url)
    page.goto("/questions/calexit")
    before = support_average(page)
    page.get_by_role("link", name="Admin", exact=True).click()
    page.get_by_label("Username").fill(ADMIN["username"])
    page.get_by_label("Password").fill(ADMIN["password"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Add a poll").first.click()
    page.get_by_label("Question", exact=True).fill("calexit")
    page.get_by_role("button", name="Show this question's answer fields").click()
    page.get_by_label("Support (%)").wait_for()
    fill_poll(page, "Browser Research", "58", "35")
    screenshot(page, "admin-poll-form")
    page.get_by_role("button", name="Save poll").click()
    # a new pollster: created only once confirmed
    page.get_by_label("Create “Browser Research” as a new pollster").check()
    page.get_by_role("button", name="Save poll").click()
    page.wait_for_url("**/questions/calexit*")
    assert "saved" in page.locator(".flash").inner_text()
    row = page.locator("#poll-table tbody tr", has_text="Browser Research")
    assert row.count() == 1 and "58%" in row.inner_text()
    assert support_average(page) != before
    context.close()
    assert not problems, problems


def test_a_bad_percent_is_shown_next_to_its_field_and_nothing_is_saved(admin_page, live_app):
    before = poll_count(live_app)
    admin_page.goto("/admin/polls/new?question=calexit")
    fill_poll(admin_page, "Overflow Polling", "140", "20")
    admin_page.get_by_role("button", name="Save poll").click()
    field = admin_page.get_by_label("Support (%)")
    error = admin_page.locator("#pct_0-error")
    assert error.inner_text() == "Must be between 0 and 100."
    assert field.get_attribute("aria-invalid") == "true"
    assert "pct_0-error" in field.get_attribute("aria-describedby")
    # the message sits right under its field, not at the top of the form
    field_box, error_box = field.bounding_box(), error.bounding_box()
    assert 0 <= error_box["y"] - (field_box["y"] + field_box["height"]) < 40
    assert field.input_value() == "140"  # what was typed is kept for correction
    screenshot(admin_page, "admin-poll-form-error")
    assert poll_count(live_app) == before


def test_deleting_a_poll_offers_undo_which_restores_it(admin_page, live_app):
    admin_page.goto("/admin/polls?q=SurveyUSA&question=calexit")
    before = poll_count(live_app)
    row = admin_page.locator("table.admin-polls tbody tr").first
    poll_id = row.locator("td").first.inner_text()
    row.get_by_role("button", name="Delete").click()
    flash = admin_page.locator(".flash")
    assert "deleted" in flash.inner_text()
    assert admin_page.locator("table.admin-polls tbody tr", has_text="SurveyUSA").count() == 0
    screenshot(admin_page, "admin-polls-after-delete")
    flash.get_by_role("button", name="Undo").click()
    assert "restored" in admin_page.locator(".flash").inner_text()
    assert admin_page.locator("table.admin-polls tbody tr td:first-child", has_text=poll_id).count() == 1
    assert poll_count(live_app) == before  # soft delete: the row never left
    admin_page.goto(f"/polls/{poll_id}")
    history = admin_page.locator(".history").inner_text()
    assert "deleted by user:editor" in history and "restored by user:editor" in history


def test_admin_renames_a_choice_and_its_results_stay(admin_page):
    admin_page.goto("/admin/questions")
    admin_page.get_by_role("link", name=re.compile("Edit.*California")).click()
    admin_page.get_by_label("Choice 1 name").fill("Support leaving")
    admin_page.get_by_role("button", name="Save question").click()
    admin_page.wait_for_url("**/questions/calexit")
    assert admin_page.locator("#poll-table thead").inner_text().count("Support leaving") == 1
    assert "32%" in admin_page.locator("#poll-table tbody").inner_text()
    screenshot(admin_page, "question-after-rename")
    # put it back for the other tests
    admin_page.goto("/admin/questions/calexit/edit")
    admin_page.get_by_label("Choice 1 name").fill("Support")
    admin_page.get_by_role("button", name="Save question").click()
    admin_page.wait_for_url("**/questions/calexit")
