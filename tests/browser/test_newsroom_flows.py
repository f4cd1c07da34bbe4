"""Issue 16's flows in a real browser, with CSRF on: a renamed question's old link and
embed lead to it; a reader's report reaches the editors' queue and its resolution shows on
the poll page; the admin poll list sorts by a column and pages by number; an excluded
pollster is marked as such to readers."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from pollservice.extensions import db
from pollservice.models import Poll, Pollster
from pollservice.services.questions import add_question

from .conftest import CHROMIUM, screenshot

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); browser tests need it",
                allow_module_level=True)


def test_an_old_link_and_embed_of_a_renamed_question_lead_to_it(live_app, base_url, admin_page, page):
    with live_app.app_context():
        add_question("Should the browser keep old links?", ["Yes", "No"], slug="browser-old-link")
        db.session.commit()
    admin_page.goto("/admin/questions/browser-old-link/edit")
    admin_page.get_by_label("Slug").fill("browser-new-link")
    admin_page.get_by_role("button", name="Save question").click()
    admin_page.wait_for_url("**/questions/browser-new-link")

    page.goto("/questions/browser-old-link?range=all")
    assert page.url == f"{base_url}/questions/browser-new-link?range=all"
    assert page.get_by_role("heading", level=1).inner_text() == "Should the browser keep old links?"
    # a page elsewhere that embeds the old address
    page.set_content(f'<iframe src="{base_url}/embed/browser-old-link" width="800" height="520"></iframe>')
    frame = page.frame_locator("iframe")
    frame.locator("body").wait_for()
    assert page.frames[1].url == f"{base_url}/embed/browser-new-link"
    assert "Should the browser keep old links?" in frame.locator("body").inner_text()


def test_a_readers_report_reaches_the_queue_and_its_resolution_shows_on_the_poll_page(
        live_app, admin_page, page):
    with live_app.app_context():
        poll_id = db.session.execute(select(Poll.id).join(Poll.pollster)
                                     .where(Pollster.name == "SurveyUSA")).scalar_one()
    page.goto(f"/polls/{poll_id}")
    page.get_by_role("link", name="Report a problem with this poll").click()
    message = "Oppose should be 68 and Support 18: the release says so (KABC, 1 Feb 2017)."
    page.get_by_label("What is wrong?").fill(message)
    # the bots' field is out of sight and out of the tab order
    assert not page.locator("#website").is_visible() or page.locator(".trap").bounding_box()["x"] < 0
    screenshot(page, "report-form")
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_url("**/report/sent*")
    assert "Your report is with the editors" in page.get_by_role("status").inner_text()

    admin_page.goto("/admin/reports")
    report = admin_page.locator("ol.reports > li", has_text=message)
    assert report.count() == 1
    screenshot(admin_page, "admin-reports")
    report.get_by_label("What was done").fill("Checked against the release: the numbers are right.")
    report.get_by_role("button", name="Resolve").click()
    admin_page.wait_for_url("**/admin/reports")
    assert "resolved" in admin_page.locator(".flash").inner_text()

    page.goto(f"/polls/{poll_id}")
    assert re.search(r"1 report from readers: 0 open, 1 resolved", page.locator(".corrections").inner_text())


def test_the_admin_poll_list_sorts_by_a_column_and_pages_by_number(admin_page):
    admin_page.goto("/admin/polls")
    header = admin_page.locator("th", has=admin_page.get_by_role("link", name="Pollster"))
    assert header.get_attribute("aria-sort") is None
    admin_page.get_by_role("link", name="Pollster", exact=True).click()
    admin_page.wait_for_url("**sort=pollster*")
    assert header.get_attribute("aria-sort") == "ascending"
    names = admin_page.locator("table.admin-polls tbody tr td:nth-child(3)").all_inner_texts()
    firsts = [name.splitlines()[0].lower() for name in names]
    assert firsts == sorted(firsts)
    admin_page.get_by_role("link", name="Pollster", exact=True).click()
    admin_page.wait_for_url("**dir=desc*")
    assert header.get_attribute("aria-sort") == "descending"
    admin_page.get_by_role("link", name="Page 3", exact=True).click()
    admin_page.wait_for_url("**page=3*")
    assert "sort=pollster" in admin_page.url and "dir=desc" in admin_page.url
    current = admin_page.locator('.pager a[aria-current="page"]')
    assert current.inner_text() == "3"
    screenshot(admin_page, "admin-poll-list-sorted")


def test_an_excluded_pollster_is_marked_for_readers(live_app, admin_page, page):
    with live_app.app_context():
        slug = db.session.execute(select(Pollster.slug).where(Pollster.name == "Reuters/Ipsos")).scalar_one()
    admin_page.goto(f"/admin/pollsters/{slug}/edit")
    admin_page.get_by_label("Exclude its polls from every average").check()
    admin_page.get_by_label("Public reason").fill("A test of the inclusion policy in the browser.")
    admin_page.get_by_role("button", name="Save the inclusion policy").click()
    admin_page.wait_for_url(f"**/admin/pollsters/{slug}/edit")
    try:
        page.goto(f"/pollsters/{slug}")
        assert "A test of the inclusion policy in the browser." in page.locator("#excluded").inner_text()
        page.goto("/methodology#inclusion")
        assert page.get_by_role("link", name="Reuters/Ipsos").is_visible()
        page.goto("/questions/calexit")
        badge = page.get_by_role("link", name="not in the averages")
        assert badge.count() >= 1
        screenshot(page, "question-excluded-pollster")
    finally:  # the other browser tests read calexit's average with every pollster in it
        admin_page.goto(f"/admin/pollsters/{slug}/edit")
        admin_page.get_by_label("Exclude its polls from every average").uncheck()
        admin_page.get_by_role("button", name="Save the inclusion policy").click()
        admin_page.wait_for_url(f"**/admin/pollsters/{slug}/edit")
