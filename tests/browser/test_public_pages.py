"""The public pages in a real browser: what a visitor sees and can do."""

from __future__ import annotations

import re

import pytest

from .conftest import CHROMIUM, image_width, screenshot

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); browser tests need it",
                allow_module_level=True)

CALEXIT = "Should California peacefully leave the United States?"
APPROVAL = "Do you approve or disapprove of the way Donald Trump is handling his job as president?"


def test_home_lists_the_seeded_questions_with_averages_and_thumbnails(page):
    page.goto("/")
    link = page.get_by_role("link", name=CALEXIT, exact=True)
    assert link.is_visible()
    card = page.locator(".question-card", has=link)
    assert re.search(r"Support\s+\d+\.\d%", card.inner_text())
    assert "95% interval" in card.inner_text()
    assert image_width(page, ".question-card .thumb img") > 0
    screenshot(page, "home")
    link.click()
    page.wait_for_url("**/questions/calexit")


def test_home_search_box_finds_the_matching_question(page):
    page.goto("/")
    page.get_by_label("Search races and questions").fill("approve")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search?q=approve*")
    assert page.get_by_role("link", name=APPROVAL, exact=True).is_visible()
    assert page.get_by_role("link", name=CALEXIT, exact=True).count() == 0
    screenshot(page, "search")


def test_question_page_shows_the_loaded_chart_estimate_and_poll_table(page):
    page.goto("/questions/trump-approval")
    chart = page.locator("figure.chart img")
    assert image_width(page, "figure.chart img") >= 800
    assert "Latest estimate" in chart.get_attribute("alt")
    current = page.locator(".current-average").inner_text()
    assert re.search(r"Approve: \d+\.\d%, 95% interval \d+\.\d to \d+\.\d", current)
    rows = page.locator("#poll-table tbody tr")
    assert rows.count() == 50  # the first page of the server's pagination
    assert re.search(r"page 1 of \d+", page.locator("form.table-filter .filter-count").inner_text())
    assert page.get_by_role("link", name="polls CSV").get_attribute("href") == \
        "/api/v1/questions/trump-approval/polls.csv"
    screenshot(page, "question-approval")
    page.goto("/questions/calexit")
    assert image_width(page, "figure.chart img") > 0
    screenshot(page, "question-calexit")


def test_date_range_preset_redraws_the_chart_for_that_range(page):
    page.goto("/questions/trump-approval")
    page.get_by_role("link", name="Last 30 days").click()
    page.wait_for_url("**range=30d*")
    src = page.locator("figure.chart img").get_attribute("src")
    assert "from=2017-03-31" in src and "to=2017-04-30" in src
    assert image_width(page, "figure.chart img") > 0
    assert page.get_by_role("link", name="Last 30 days").get_attribute("aria-current") == "true"


def sample_column(page) -> list[str]:
    return page.locator("#poll-table tbody tr td:nth-child(3)").all_inner_texts()


def test_sorting_the_poll_table_by_sample_size_on_the_server(page):
    page.goto("/questions/trump-approval")
    page.get_by_label("Order").select_option(label="Largest sample first")
    page.get_by_role("button", name="Show", exact=True).last.click()
    page.wait_for_url("**sort=sample*")
    known = [int(s.replace(",", "")) for s in sample_column(page) if s != "unknown"]
    assert known == sorted(known, reverse=True) and known[0] > known[-1]
    page.get_by_role("link", name="Next").first.click()
    page.wait_for_url("**page=2*")
    assert "sort=sample" in page.url
    later = [int(s.replace(",", "")) for s in sample_column(page) if s != "unknown"]
    assert later and max(later) <= known[-1]


def test_filtering_the_poll_table_by_pollster_and_population(page):
    page.goto("/questions/trump-approval")
    page.get_by_label("Pollster", exact=True).select_option(label="Gallup")
    page.get_by_role("button", name="Show", exact=True).last.click()
    page.wait_for_url("**pollster=gallup*")
    rows = page.locator("#poll-table tbody tr")
    assert 0 < rows.count() <= 50
    assert set(rows.locator("td:first-child a").all_inner_texts()) == {"Gallup"}
    page.get_by_label("Population", exact=True).select_option("lv")
    page.get_by_role("button", name="Show", exact=True).last.click()
    page.wait_for_url("**population=lv*")
    assert "pollster=gallup" in page.url
    assert "No polls match these filters" in page.locator("#poll-table tbody").inner_text()


def test_embed_page_shows_only_the_chart_and_its_credit(page):
    page.goto("/questions/calexit")
    snippet = page.locator("#embed-code").input_value()
    match = re.search(r'<iframe src="([^"]+)"', snippet)
    assert match and match.group(1).endswith("/embed/calexit")
    page.goto(match.group(1))
    assert image_width(page, "figure.chart img") > 0
    assert page.locator("header, nav, footer").count() == 0
    assert page.get_by_role("link", name=re.compile("polls and average on pollservice")).is_visible()
    screenshot(page, "embed")


def test_pollster_and_poll_pages_link_up(page):
    page.goto("/questions/trump-approval")
    page.locator("#poll-table tbody tr").first.get_by_role("link").first.click()
    page.wait_for_url("**/pollsters/*")
    assert page.get_by_role("heading", name="House effects").is_visible()
    page.locator("table").last.locator("tbody tr td a").first.click()
    page.wait_for_url("**/polls/*")
    assert page.get_by_role("heading", name="History").is_visible()
    assert "added" in page.locator(".history").inner_text()


def test_question_page_fits_a_phone_screen(phone_page):
    phone_page.goto("/questions/calexit")
    # Against 390 px, not innerWidth: a mobile layout viewport widens to its content.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert image_width(phone_page, "figure.chart img") > 0
    source = phone_page.locator("figure.chart img").evaluate("img => img.currentSrc")
    assert "size=small" in source and "scale=2" in source  # the narrow layout, sharp on a 2x screen
    screenshot(phone_page, "question-phone")


def test_a_dark_mode_reader_gets_the_dark_chart_and_thumbnails(dark_page):
    dark_page.goto("/questions/calexit")
    assert image_width(dark_page, "figure.chart img") > 0
    source = dark_page.locator("figure.chart img").evaluate("img => img.currentSrc")
    assert "theme=dark" in source and "size=small" not in source
    # No white card: the chart's corner is the page's own dark background.
    assert dark_page.locator("figure.chart img").evaluate(
        "img => getComputedStyle(img).backgroundColor") == "rgba(0, 0, 0, 0)"
    screenshot(dark_page, "question-dark")
    dark_page.goto("/")
    assert image_width(dark_page, ".thumb img") > 0
    assert "theme=dark" in dark_page.locator(".thumb img").first.evaluate("img => img.currentSrc")
    screenshot(dark_page, "home-dark")


def test_poll_tables_keep_their_numbers_on_a_phone(phone_page):
    phone_page.goto("/questions/calexit#polls")
    table = phone_page.locator("#poll-table")
    headers = [h for h in table.locator("thead th").all() if h.is_visible()]
    names = [h.inner_text().strip() for h in headers]
    assert names[:2] == ["Pollster", "Field dates"] and "Support" in names and "Oppose" in names
    for header in headers:  # every visible column fits on the screen without scrolling
        box = header.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390, (header.inner_text(), box)
    dates = " ".join(table.locator("tbody tr td:nth-child(2)").all_inner_texts())
    assert re.search(r"n=[\d,]+ · (LV|RV|A|V)\b", dates), dates  # sample and population stay
    screenshot(phone_page, "question-poll-table-phone", full_page=False)


@pytest.mark.parametrize("container", [360, 1000])
def test_the_embed_snippet_scales_to_its_container(page, base_url, container):
    page.goto("/questions/calexit")
    snippet = page.locator("#embed-code").input_value()
    host = page.context.new_page()
    host.set_content(f'<body style="margin:0"><div style="width:{container}px">{snippet}</div></body>')
    frame = host.locator("iframe")
    frame.wait_for()
    box = frame.bounding_box()
    width = min(container, 800)
    assert box is not None and abs(box["width"] - width) < 1, box
    assert abs(box["height"] - width * 520 / 800) < 2, box  # keeps the chart's shape
    inner = host.frame_locator("iframe").locator("figure.chart img")
    inner.wait_for()
    # measured once the embed's stylesheet applies (its load event): before, the image is drawn
    # at its natural width (CI measured 800 px once in a 360 px frame)
    embedded = frame.element_handle().content_frame()
    assert embedded is not None
    embedded.wait_for_load_state("load")
    image = inner.bounding_box()
    assert image is not None and image["width"] <= width + 0.5, image
    caption = host.frame_locator("iframe").locator("figcaption").bounding_box()
    assert caption is not None and caption["y"] + caption["height"] <= box["height"] + 0.5, caption
    inner.evaluate("img => img.complete || new Promise(done => img.addEventListener('load', done))")
    assert inner.evaluate("img => img.naturalWidth") > 0
    screenshot(host, f"embed-in-{container}px", full_page=False)
    host.close()


def test_the_first_cards_thumbnails_load_without_scrolling(phone_page):
    phone_page.goto("/")
    phone_page.wait_for_load_state("load")  # nothing scrolled: lazy images below stay unloaded
    loaded = phone_page.locator(".question-card .thumb img").evaluate_all(
        "imgs => imgs.slice(0, 4).map(img => img.complete && img.naturalWidth > 0)")
    assert loaded and all(loaded), loaded
    screenshot(phone_page, "home-phone")
