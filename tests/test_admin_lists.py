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
