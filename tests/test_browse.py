"""The reader's lists: the front page, races by cycle / office / place, topics, ranked search,
on real 2020 presidential polls (tests/browse_support.py) beside the demo questions."""

from __future__ import annotations

import re

import pytest
from browse_support import load_races

from pollservice.extensions import db
from pollservice.models import ComputedSeries, Question
from pollservice.services import browse

PA = "2020-president-pa-biden-trump"


@pytest.fixture
def races_app(demo_app):
    with demo_app.app_context():
        load_races()
    return demo_app


def card_titles(page: str) -> list[str]:
    return re.findall(r'class="card-link" href="[^"]+">([^<]+)</a>', page)


def test_front_page_shows_the_latest_cycles_races_and_the_recent_topics(races_app, client):
    page = client.get("/").get_data(as_text=True)
    races, topics = page.split('id="topics-heading"')
    assert "2020 races" in races
    titles = card_titles(races)
    # the most-polled races of 2020 first; hypothetical match-ups and 2016 are left out
    assert titles[0] == "2020 U.S. President: national (Biden vs. Trump)"
    assert "2020 U.S. President: Pennsylvania (Biden vs. Trump)" in titles
    assert not any("Sanders" in t or "2016" in t for t in titles)
    assert card_titles(topics)[0].startswith("Do you approve or disapprove")  # polled last
    # each card: the stored average per candidate, the leader's margin, the party
    card = races.split("Pennsylvania (Biden vs. Trump)")[1].split("</li>")[0]
    assert re.search(r"Joe Biden <span class=\"party\">DEM</span>", card)
    assert re.search(r"<strong>Joe Biden</strong> leads by \d+\.\d points", card)


def test_cards_read_the_stored_average_and_say_when_it_is_stale_or_missing(races_app):
    with races_app.app_context():
        questions = list(db.session.scalars(db.select(Question).where(Question.slug.in_(
            [PA, "2016-president-pa", "calexit"])).order_by(Question.slug)))
        stored = {c.question.slug: c for c in browse.cards(questions)}
        rows = db.session.scalars(db.select(ComputedSeries).join(Question).where(
            Question.slug == PA, ComputedSeries.method == "kalman", ComputedSeries.realtime.is_(False),
            ComputedSeries.data_version == Question.computed_version)).all()
        averages = {row.choice_id: row.payload["average"]["estimate"] for row in rows}
        pa = stored[PA]
        assert pa.status == "fresh"
        assert {c.name: c.average["estimate"] for c in pa.choices} == {
            c.name: averages[c.id] for c in questions[1].choices}
        assert pa.margin[0] == "Joe Biden" and pa.margin[1] > 0
        assert stored["2016-president-pa"].status == "no-polls"
        # a newer data version than the stored series: shown, marked as updating
        db.session.execute(db.update(Question).where(Question.slug == PA)
                           .values(data_version=Question.data_version + 1))
        db.session.execute(db.delete(ComputedSeries).where(
            ComputedSeries.question_id == db.select(Question.id).where(Question.slug == "calexit")
            .scalar_subquery()))
        db.session.flush()
        for q in questions:
            db.session.refresh(q)
        again = {c.question.slug: c for c in browse.cards(questions)}
        assert again[PA].status == "updating" and again[PA].margin == pa.margin
        assert again["calexit"].status == "missing"
        db.session.rollback()


def test_races_by_cycle_and_office_list_every_race_national_first(races_app, client):
    page = client.get("/races/2020/president").get_data(as_text=True)
    assert "3 races" in page
    titles = re.findall(r"<h2>(?:<a[^>]*>)?([^<]+)", page)
    assert titles == ["2020 U.S. President: national", "2020 U.S. President: Ohio",
                      "2020 U.S. President: Pennsylvania"]
    assert "election 2020-11-03" in page and "2 questions" in page
    # the race links to its main question (the race as run, not the hypothetical one)
    assert f'href="/questions/{PA}"' in page
    state = client.get("/races?geography=Pennsylvania").get_data(as_text=True)
    assert "2 races" in state and "2016 U.S. President: Pennsylvania" in state and "No polls yet" in state


def test_a_bad_browse_filter_is_a_400_naming_the_field(races_app, client):
    response = client.get("/races?cycle=twenty&office=king")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "cycle" in text and "office" in text
    assert client.get("/races/2020/president?page=0").status_code == 400


def test_list_pages_paginate_and_their_links_keep_the_filters(races_app, client, monkeypatch):
    monkeypatch.setattr("pollservice.web.browse.PER_PAGE", 2)
    page = client.get("/races?cycle=2020&office=president").get_data(as_text=True)
    assert "page 1 of 2" in page
    assert re.search(r'href="/races\?[^"]*cycle=2020[^"]*office=president[^"]*page=2"|'
                     r'href="/races\?[^"]*page=2[^"]*"', page)
    second = client.get("/races?cycle=2020&office=president&page=2").get_data(as_text=True)
    assert "2020 U.S. President: Pennsylvania" in second and "2020 U.S. President: Ohio" not in second
    link = re.search(r'href="([^"]+)" rel="prev"', second).group(1).replace("&amp;", "&")
    assert "cycle=2020" in link and "office=president" in link and "page=1" in link


def test_search_ranks_the_pennsylvania_race_first(races_app, client):
    with races_app.app_context():
        found, total = browse.search("biden pennsylvania", 1, 10)
        assert found[0].slug == PA
        assert total == 1
        ids = browse.ranked_ids("2020 president")
        slugs = [db.session.get(Question, i).slug for i in ids]
        # the races as run before the hypothetical match-ups (as relevant to these words)
        assert set(slugs[:3]) == {"2020-president-us-biden-trump", PA, "2020-president-oh-biden-trump"}
        assert set(slugs[3:]) == {"2020-president-pa-sanders-trump", "2020-president-us-sanders-trump"}
        assert [r.slug for r in browse.search_races("trump pennsylvania", 5)] == [
            "2020-president-general-pa", "2016-president-general-pa"]
    page = client.get("/search?q=biden+pennsylvania").get_data(as_text=True)
    assert card_titles(page) == ["2020 U.S. President: Pennsylvania (Biden vs. Trump)"]
    assert "No race or question matches" in client.get("/search?q=biden+alaska").get_data(as_text=True)
    assert card_titles(client.get("/?q=approve").get_data(as_text=True))[0].startswith("Do you approve")


def test_topics_list_the_questions_that_are_not_races(races_app, client):
    page = client.get("/topics").get_data(as_text=True)
    assert card_titles(page) == [
        "Do you approve or disapprove of the way Donald Trump is handling his job as president?",
        "Should California peacefully leave the United States?"]


def test_pollster_list_paginates_and_finds_a_pollster_by_another_spelling(races_app, client, monkeypatch):
    from pollservice.models import Pollster, PollsterAlias

    with races_app.app_context():
        rasmussen = db.session.scalar(
            db.select(Pollster).filter_by(name="Rasmussen Reports/Pulse Opinion Research"))
        rasmussen.aliases.append(PollsterAlias(name="Pulse Opinion Research", key="pulse opinion research"))
        db.session.commit()
        total = db.session.scalar(db.select(db.func.count(Pollster.id)))
    page = client.get("/pollsters?q=pulse").get_data(as_text=True)
    assert "1 pollster match" in page and "Rasmussen Reports/Pulse Opinion Research" in page
    monkeypatch.setattr("pollservice.web.routes.POLLSTERS_PER_PAGE", 5)
    first = client.get("/pollsters").get_data(as_text=True)
    assert f"{total} pollsters; page 1 of {-(-total // 5)}" in first
    assert len(re.findall(r'<tr><td><a href="/pollsters/', first)) == 5
    monkeypatch.setattr("pollservice.web.routes.POLLS_PER_PAGE", 3)
    gallup = client.get("/pollsters/gallup").get_data(as_text=True)
    assert re.search(r"[\d,]+ polls on 1 question; page 1 of \d+", gallup)


def test_lists_never_fit_a_model_on_request(races_app, client, monkeypatch):
    """A list shows what is stored, even when the stored series are older than the data."""
    with races_app.app_context():
        db.session.execute(db.update(Question).values(data_version=Question.data_version + 1))
        db.session.commit()

    def refuse(*_args, **_kwargs):
        raise AssertionError("a list page fitted a model")

    monkeypatch.setattr("pollservice.stats.fit", refuse)
    for path in ("/", "/races/2020/president", "/search?q=2020+president", "/topics",
                 "/api/v1/races", "/api/v1/search?q=biden"):
        response = client.get(path)
        assert response.status_code == 200, path
    page = client.get("/").get_data(as_text=True)
    assert "Updating: this average does not include the newest polls yet." in page
    assert re.search(r"<strong>Joe Biden</strong> leads by \d+\.\d points", page)
