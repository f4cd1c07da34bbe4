"""Admin lists at scale: questions, polls and pollsters paginate and search, and the poll
form's question field is a searched text field (suggestions from a small JSON endpoint),
checked on the server when typed by hand."""

from __future__ import annotations

import re

import pytest
from browse_support import load_races

from pollservice.extensions import db
from pollservice.models import Poll

# What is stored, not averages: recomputes wait for a worker (conftest's app).
pytestmark = pytest.mark.jobs_run(False)

GOOD_POLL = {
    "pollster": "Field Research", "sponsor": "", "start_date": "2017-04-03", "end_date": "2017-04-09",
    "sample_size": "1200", "population": "rv", "mode": "Live phone", "source_url": "",
    "notes": "", "pct_0": "41", "pct_1": "52",
    # Field Research is a new pollster: the editor confirms its creation (the box ticked for it)
    "create_pollster": "y", "confirmed_pollster": "Field Research",
}


def test_question_suggestions_rank_the_typed_words(demo_app, logged_in):
    with demo_app.app_context():
        load_races()
    found = logged_in.get("/admin/questions/suggest?q=biden+pennsylv").get_json()
    assert found[0] == {"slug": "2020-president-pa-biden-trump",
                        "title": "2020 U.S. President: Pennsylvania (Biden vs. Trump)"}
    assert logged_in.get("/admin/questions/suggest?q=").get_json() == []
    page = logged_in.get("/admin/polls/new").get_data(as_text=True)
    assert 'data-suggest="/admin/questions/suggest"' in page
    assert "<option" not in page.split('id="question-suggestions"')[1].split("</datalist>")[0]


def test_the_poll_form_takes_a_typed_title_and_names_an_unknown_one(demo_app, logged_in):
    with demo_app.app_context():
        before = db.session.scalar(db.select(db.func.count(Poll.id)))
    response = logged_in.post("/admin/polls/new", data={**GOOD_POLL, "question": "calexit-typo",
                                                         "drawn_for": "calexit"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    error = re.search(r'<p id="question-error" class="error" role="alert">([^<]+)</p>', page)
    assert error and "No question has this slug or title" in error.group(1)
    with demo_app.app_context():
        assert db.session.scalar(db.select(db.func.count(Poll.id))) == before  # nothing saved
    title = "should california peacefully leave the united states?"  # any case
    response = logged_in.post("/admin/polls/new",
                              data={**GOOD_POLL, "question": title, "drawn_for": "calexit"})
    assert response.status_code == 302 and "/questions/calexit" in response.headers["Location"]


def test_admin_lists_paginate_and_search(demo_app, logged_in, monkeypatch):
    with demo_app.app_context():
        load_races()
    page = logged_in.get("/admin/questions?q=pennsylvania").get_data(as_text=True)
    slugs = re.findall(r"<code>([^<]+)</code>", page)
    assert slugs[0].startswith("2020-president-pa-")
    assert "2016-president-pa" in slugs and "calexit" not in slugs
    monkeypatch.setattr("pollservice.admin.questions.PAGE_SIZE", 3)
    first = logged_in.get("/admin/questions").get_data(as_text=True)
    assert "page 1 of" in first and len(re.findall(r"<code>", first)) == 3
    monkeypatch.setattr("pollservice.admin.pollsters.PAGE_SIZE", 2)
    pollsters = logged_in.get("/admin/pollsters?q=research").get_data(as_text=True)
    assert re.search(r"\d+ pollsters; page 1 of \d+", pollsters)
    nxt = re.search(r'href="([^"]+)" rel="next"', pollsters).group(1).replace("&amp;", "&")
    assert "q=research" in nxt and "page=2" in nxt
    polls = logged_in.get("/admin/polls?question=2020-president-oh-biden-trump").get_data(as_text=True)
    assert "4 polls" in polls
    unknown = logged_in.get("/admin/polls?question=no-such-question").get_data(as_text=True)
    assert 'id="question-error"' in unknown


def listed(client, query: str) -> list[dict]:
    """The admin poll list's rows: id, question title, pollster and sample size."""
    page = client.get(f"/admin/polls?{query}").get_data(as_text=True)
    rows = re.findall(r'<td class="num"[^>]*><a href="/polls/(\d+)">\d+</a></td>\s*'
                      r'<td[^>]*><a [^>]*>([^<]*)</a></td>\s*<td[^>]*>([^<]*)(?:<br>.*?)?</td>\s*'
                      r'<td[^>]*>.*?</td>\s*<td class="num"[^>]*>([^<]*)</td>', page, re.S)
    return [{"id": int(i), "question": q, "pollster": p, "sample": s} for i, q, p, s in rows]


def test_the_poll_list_sorts_by_each_column_both_ways_with_missing_samples_last(demo_app, logged_in):
    from html import unescape

    with demo_app.app_context():
        load_races()
        calexit = db.session.execute(db.select(Poll).join(Poll.question)
                                     .where(db.text("question.slug = 'calexit'"))).scalars().first()
        calexit.sample_size = None  # a poll that did not report its sample
        db.session.commit()
        no_sample = calexit.id
    for sort, key in (("id", "id"), ("pollster", "pollster"), ("question", "question"), ("sample", "sample")):
        for direction in ("asc", "desc"):
            rows = listed(logged_in, f"sort={sort}&dir={direction}&status=all")
            assert len(rows) == 50, (sort, direction)
            values = [row[key] for row in rows]
            if key == "sample":
                values = [int(v.replace(",", "")) for v in values if v != "–"]
            elif key != "id":
                values = [unescape(v).strip().lower() for v in values]
            assert values == sorted(values, reverse=direction == "desc"), (sort, direction)
    # a missing sample size comes last both ways (calexit: one page)
    for direction in ("asc", "desc"):
        rows = listed(logged_in, f"question=calexit&sort=sample&dir={direction}")
        samples = [row["sample"] for row in rows]
        assert len(rows) == 3 and samples[-1] == "–" and "–" not in samples[:samples.index("–")]
        assert no_sample in [row["id"] for row in rows if row["sample"] == "–"]
    # the header says which column sorts the list, and its link turns the direction
    page = logged_in.get("/admin/polls?sort=pollster").get_data(as_text=True)
    header = re.search(r'<th scope="col" aria-sort="ascending">\s*<a class="sort" href="([^"]+)">Pollster',
                       page)
    assert header and "dir=desc" in header.group(1) and "sort=pollster" in header.group(1)
    assert page.count("aria-sort=") == 1
    # the default: newest first
    default = logged_in.get("/admin/polls").get_data(as_text=True)
    assert re.search(r'aria-sort="descending">\s*<a class="sort" href="/admin/polls\?sort=dates&amp;dir=asc">'
                     r'Field dates', default)


def test_a_bad_sort_or_direction_is_a_400_naming_it(demo_app, logged_in):
    for query, field in (("sort=colour", "sort"), ("sort=id&dir=sideways", "dir")):
        response = logged_in.get(f"/admin/polls?{query}")
        assert response.status_code == 400 and field in response.get_data(as_text=True)


def test_the_poll_list_shows_whole_titles_and_numbered_pages(demo_app, logged_in, monkeypatch):
    with demo_app.app_context():
        load_races()
    long_title = "2020 U.S. President: Pennsylvania (Biden vs. Trump)"
    page = logged_in.get("/admin/polls?question=2020-president-pa-biden-trump").get_data(as_text=True)
    assert f">{long_title}</a></td>" in page and "…" not in page.split("<tbody>")[1].split("</tbody>")[0]
    monkeypatch.setattr("pollservice.admin.polls.PAGE_SIZE", 5)
    page = logged_in.get("/admin/polls?page=6&q=").get_data(as_text=True)
    pager = re.search(r'<nav class="pager" aria-label="Pages">(.*?)</nav>', page, re.S).group(1)
    numbers = re.findall(r'aria-label="Page (\d+)(, this page)?"', pager)
    shown = [int(n) for n, _ in numbers]
    last = shown[-1]
    assert shown[:1] == [1] and [4, 5, 6, 7, 8] == shown[shown.index(4):shown.index(8) + 1]
    assert [int(n) for n, current in numbers if current] == [6] and 'aria-current="page"' in pager
    assert last > 9 and "…" in pager and 'rel="prev"' in pager and 'rel="next"' in pager
    link = re.search(r'href="([^"]+)" aria-label="Page 7"', pager).group(1).replace("&amp;", "&")
    assert "page=7" in link and "q=" in link


def test_page_numbers_show_the_ends_and_the_neighbourhood():
    from pollservice.web.query import page_numbers

    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 4) == [1, 2, 3, 4]
    assert page_numbers(6, 20) == [1, None, 4, 5, 6, 7, 8, None, 20]
    assert page_numbers(4, 20) == [1, 2, 3, 4, 5, 6, None, 20]  # a gap of one page is shown
    assert page_numbers(20, 20) == [1, None, 18, 19, 20]
