"""Choosing a pollster on purpose: the poll form's search (name and aliases, any case,
with or without accents, typos), a typo refused with "did you mean" instead of a new
pollster, creation only once confirmed for that name, the API's ``create_pollster``;
deleting a pollster with no polls (409 with polls); a merge keeps every poll.

The known truth is the demo data: FiveThirtyEight's Trump approval list has Gallup and
"Rasmussen Reports/Pulse Opinion Research", and no pollster called "Galup".
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from conftest import signed_in_with_csrf
from pollservice.extensions import db
from pollservice.models import ApiToken, Poll, Pollster, PollsterAlias
from pollservice.services.polls import delete_poll
from pollservice.services.pollster_identity import add_alias
from pollservice.services.pollsters import add_pollster, get_pollster
from pollservice.services.tokens import create_token

pytestmark = pytest.mark.jobs_run(False)

POLL = {"question": "calexit", "pollster": "Galup", "sponsor": "", "start_date": "2017-04-03",
        "end_date": "2017-04-09", "sample_size": "1200", "population": "rv", "mode": "",
        "source_url": "", "notes": "", "pct_0": "41", "pct_1": "52"}
API_POLL = {"pollster": "Galup", "start_date": "2017-04-03", "end_date": "2017-04-09",
            "sample_size": 1200, "population": "rv", "results": {"Support": 41, "Oppose": 52}}


def counts(app) -> tuple[int, int]:
    """(polls, pollsters) stored."""
    with app.app_context():
        return (db.session.execute(select(func.count(Poll.id))).scalar_one(),
                db.session.execute(select(func.count(Pollster.id))).scalar_one())


def pollster_named(app, name: str) -> Pollster | None:
    with app.app_context():
        return db.session.execute(select(Pollster).where(Pollster.name == name)).scalar_one_or_none()


def field_error(page: str, field: str) -> str:
    found = re.search(rf'<p id="{field}-error" class="error" role="alert">([^<]*)</p>', page)
    assert found, f"no message next to {field}"
    return found.group(1)


def test_search_matches_names_and_aliases_in_any_case_with_or_without_accents(demo_app, logged_in):
    with demo_app.app_context():
        add_alias(get_pollster("ipsos"), "Ipsos Public Affairs")
        add_pollster("Société Générale Research")
    names = lambda q: [m["name"] for m in logged_in.get(f"/admin/pollsters/search?q={q}").get_json()]  # noqa: E731
    assert names("GALLUP")[0] == "Gallup"
    assert names("gállup")[0] == "Gallup"
    assert "Société Générale Research" in names("societe generale")
    assert "Société Générale Research" in names("SOCIÉTÉ")
    found = logged_in.get("/admin/pollsters/search?q=public+affairs").get_json()
    assert found[0] == {"slug": "ipsos", "name": "Ipsos", "label": "Ipsos (also “Ipsos Public Affairs”)"}
    assert names("Galup")[0] == "Gallup"  # a typo: spelled alike
    assert names("  ") == [] and names("qqqqzzzz") == []


def test_a_typo_is_refused_next_to_the_field_with_a_suggestion_and_nothing_is_created(demo_app, logged_in):
    before = counts(demo_app)
    response = logged_in.post("/admin/polls/new", data=POLL)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert field_error(page, "pollster") == "No pollster called “Galup”."
    assert 'name="pollster_pick" value="Gallup"' in page  # "Did you mean Gallup?"
    assert "Create “Galup” as a new pollster" in page
    assert 'name="confirmed_pollster" type="hidden" value="Galup"' in page
    assert counts(demo_app) == before
    assert pollster_named(demo_app, "Galup") is None


def test_only_a_confirmation_for_that_name_creates_the_pollster(demo_app, logged_in):
    polls, pollsters = counts(demo_app)
    # the box ticked for another name (the field changed since) creates nothing
    other = logged_in.post("/admin/polls/new", data={**POLL, "pollster": "Galupp", "create_pollster": "y",
                                                     "confirmed_pollster": "Galup"})
    assert field_error(other.get_data(as_text=True), "pollster") == "No pollster called “Galupp”."
    assert counts(demo_app) == (polls, pollsters)

    confirmed = {**POLL, "create_pollster": "y", "confirmed_pollster": "Galup"}
    done = logged_in.post("/admin/polls/new", data=confirmed)
    assert done.status_code == 302
    assert counts(demo_app) == (polls + 1, pollsters + 1)
    with demo_app.app_context():
        galup = db.session.execute(select(Pollster).where(Pollster.name == "Galup")).scalar_one()
        assert [p.question.slug for p in galup.polls] == ["calexit"]


def test_picking_the_suggestion_saves_the_poll_with_that_pollster(demo_app, logged_in):
    polls, pollsters = counts(demo_app)
    done = logged_in.post("/admin/polls/new", data={**POLL, "pollster_pick": "Gallup"})
    assert done.status_code == 302
    assert counts(demo_app) == (polls + 1, pollsters)
    with demo_app.app_context():
        newest = db.session.execute(select(Poll).order_by(Poll.id.desc()).limit(1)).scalar_one()
        assert newest.pollster.name == "Gallup" and newest.question.slug == "calexit"


def test_an_alias_or_another_case_is_the_existing_pollster_not_a_new_one(demo_app, logged_in):
    with demo_app.app_context():
        add_alias(get_pollster("gallup"), "The Gallup Organization")
    polls, pollsters = counts(demo_app)
    assert logged_in.post("/admin/polls/new", data={**POLL, "pollster": "the gallup organization"}
                          ).status_code == 302
    assert logged_in.post("/admin/polls/new", data={**POLL, "pollster": "GALLUP", "pct_0": "40"}
                          ).status_code == 302
    assert counts(demo_app) == (polls + 2, pollsters)


def test_editing_a_poll_to_a_typo_is_refused_and_the_poll_unchanged(demo_app, logged_in):
    with demo_app.app_context():
        poll = db.session.execute(select(Poll).join(Pollster).where(Pollster.slug == "gallup").limit(1)
                                  ).scalar_one()
        poll_id, question = poll.id, poll.question
        data = {"pollster": "Galup", "start_date": poll.start_date.isoformat(),
                "end_date": poll.end_date.isoformat(), "population": poll.population,
                "sample_size": str(poll.sample_size or ""), "mode": poll.mode or "",
                **{f"pct_{r.choice.position}": f"{r.pct:g}" for r in poll.results}}
        assert question.slug
    page = logged_in.post(f"/admin/polls/{poll_id}/edit", data=data).get_data(as_text=True)
    assert field_error(page, "pollster") == "No pollster called “Galup”."
    with demo_app.app_context():
        assert db.session.get(Poll, poll_id).pollster.name == "Gallup"


@pytest.fixture
def auth(demo_app):
    with demo_app.app_context():
        _token, secret = create_token("picker")
        assert db.session.execute(select(func.count(ApiToken.id))).scalar_one() == 1
    return {"Authorization": f"Bearer {secret}"}


def test_api_refuses_an_unknown_pollster_with_suggestions_when_asked_not_to_create(demo_app, client, auth):
    before = counts(demo_app)
    response = client.post("/api/v1/questions/calexit/polls", json={**API_POLL, "create_pollster": False},
                           headers=auth)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert error["fields"]["pollster"].startswith("no pollster called 'Galup'; did you mean “Gallup”")
    assert error["suggestions"][0] == {"slug": "gallup", "name": "Gallup"}
    assert counts(demo_app) == before

    known = client.post("/api/v1/questions/calexit/polls",
                        json={**API_POLL, "pollster": "gallup", "create_pollster": False}, headers=auth)
    assert known.status_code == 201 and known.get_json()["pollster"] == "Gallup"


def test_api_creates_the_pollster_when_asked_and_when_left_out_as_in_1_4(demo_app, client, auth):
    polls, pollsters = counts(demo_app)
    made = client.post("/api/v1/questions/calexit/polls", json={**API_POLL, "create_pollster": True},
                       headers=auth)
    assert made.status_code == 201 and made.get_json()["pollster"] == "Galup"
    assert "create_pollster" not in made.get_json()
    legacy = client.post("/api/v1/questions/calexit/polls",
                         json={**API_POLL, "pollster": "Older Client Research"}, headers=auth)
    assert legacy.status_code == 201
    assert counts(demo_app) == (polls + 2, pollsters + 2)
    wrong = client.post("/api/v1/questions/calexit/polls", json={**API_POLL, "create_pollster": "yes"},
                        headers=auth)
    assert wrong.status_code == 422 and "create_pollster" in wrong.get_json()["error"]["fields"]


def test_api_patch_to_an_unknown_pollster_is_refused_when_asked(demo_app, client, auth):
    with demo_app.app_context():
        poll_id = db.session.execute(select(Poll.id).join(Pollster).where(Pollster.slug == "gallup")
                                     .limit(1)).scalar_one()
    response = client.patch(f"/api/v1/polls/{poll_id}", json={"pollster": "Galup", "create_pollster": False},
                            headers=auth)
    assert response.status_code == 422
    assert response.get_json()["error"]["suggestions"][0]["slug"] == "gallup"
    with demo_app.app_context():
        assert db.session.get(Poll, poll_id).pollster.slug == "gallup"


def test_openapi_documents_create_pollster_and_the_suggestions(client):
    spec = client.get("/api/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    assert "create_pollster" in schemas["PollInput"]["properties"]
    assert "create_pollster" in schemas["PollPatch"]["properties"]
    assert "suggestions" in schemas["ErrorDetail"]["properties"]


def test_a_pollster_without_polls_is_deleted_with_its_aliases(demo_app, logged_in):
    with demo_app.app_context():
        add_alias(add_pollster("Galup"), "Galup Inc")
    edit = logged_in.get("/admin/pollsters/galup/edit").get_data(as_text=True)
    assert "Delete Galup" in edit
    response = logged_in.post("/admin/pollsters/galup/delete")
    assert response.status_code == 302
    assert pollster_named(demo_app, "Galup") is None
    with demo_app.app_context():
        assert db.session.execute(select(PollsterAlias.id).where(PollsterAlias.name == "Galup Inc")).first() \
            is None
    assert "Pollster Galup deleted." in logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert logged_in.post("/admin/pollsters/galup/delete").status_code == 404


def test_a_pollster_with_polls_deleted_ones_too_is_not_deleted(demo_app, logged_in):
    with demo_app.app_context():
        winston = db.session.execute(select(Poll.id).join(Pollster).where(Pollster.slug == "winston-group")
                                     ).scalars().all()
        for poll_id in winston:
            delete_poll(poll_id, actor="test")
    assert len(winston) > 0
    edit = logged_in.get("/admin/pollsters/winston-group/edit").get_data(as_text=True)
    assert 'id="delete-refused"' in edit and "Delete Winston Group" not in edit
    response = logged_in.post("/admin/pollsters/winston-group/delete")
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    plural = "s" if len(winston) != 1 else ""
    assert f"Winston Group has {len(winston)} poll{plural}, {len(winston)} of them deleted" in text
    assert pollster_named(demo_app, "Winston Group") is not None


def test_deleting_needs_the_csrf_token(demo_app, database_url, tmp_path, admin):
    with demo_app.app_context():
        add_pollster("Galup")
    secured, client = signed_in_with_csrf(database_url, tmp_path, admin)
    assert client.post("/admin/pollsters/galup/delete").status_code == 400
    assert pollster_named(secured, "Galup") is not None


def test_a_merge_keeps_every_poll(demo_app, logged_in):
    with demo_app.app_context():
        rasmussen = add_pollster("Rasmussen Reports")
        pulse = get_pollster("rasmussen-reports-pulse-opinion-research")
        moving = set(db.session.execute(select(Poll.id).where(Poll.pollster_id == pulse.id)).scalars())
        every_poll = set(db.session.execute(select(Poll.id)).scalars())
    polls, pollsters = counts(demo_app)
    assert moving
    response = logged_in.post("/admin/pollsters/rasmussen-reports-pulse-opinion-research/merge",
                              data={"into": "rasmussen-reports"})
    assert response.status_code == 302
    assert counts(demo_app) == (polls, pollsters - 1)
    with demo_app.app_context():
        assert set(db.session.execute(select(Poll.id)).scalars()) == every_poll
        kept = set(db.session.execute(select(Poll.id).where(Poll.pollster_id == rasmussen.id)).scalars())
    assert kept == moving


def test_a_pollster_without_published_polls_has_no_public_page_feed_or_listing(demo_app, client):
    with demo_app.app_context():
        add_pollster("Galup")
    assert client.get("/pollsters/galup").status_code == 404
    assert client.get("/api/v1/pollsters/galup/polls.atom").status_code == 404
    assert client.get("/api/v1/pollsters/gallup/polls.atom").status_code == 200
    listed = [p["slug"] for p in client.get("/api/v1/pollsters?q=gal").get_json()]
    assert "gallup" in listed and "galup" not in listed


def test_the_merge_search_finds_the_target_by_alias_accent_or_typo(demo_app, logged_in):
    with demo_app.app_context():
        add_pollster("Galup")
        add_alias(get_pollster("gallup"), "The Gallup Organization")
    for typed in ("gallup+organization", "GÁLLUP", "gallupp"):
        page = logged_in.get(f"/admin/pollsters/galup/merge?q={typed}").get_data(as_text=True)
        assert "/admin/pollsters/galup/merge?into=gallup" in page, typed
        assert "merge?into=galup" not in page  # never itself
