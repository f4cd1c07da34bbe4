"""Links that last: a renamed question, race or pollster keeps every old address working
(301 to the same page, chart, embed, feed or API read under the new slug, query kept);
a slug renamed twice leads straight to the newest; nobody else may take an old slug; a
row renamed back to an old slug is served there again; writes are never redirected."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pollservice.extensions import db
from pollservice.models import Race, SlugRedirect
from pollservice.services.pollster_identity import merge_pollsters, resolve_pollsters
from pollservice.services.pollsters import add_pollster, get_pollster, rename_pollster
from pollservice.services.questions import ChoiceEdit, add_question, get_question, update_question
from pollservice.services.races import rename_race

pytestmark = pytest.mark.jobs_run(False)


def rename_question(slug: str, new_slug: str) -> None:
    question = get_question(slug)
    update_question(slug, question.title, [ChoiceEdit(c.id, c.name) for c in question.choices],
                    new_slug=new_slug, region=question.region, description=question.description)


def two_races() -> tuple[str, str]:
    for state in ("PA", "OH"):
        db.session.add(Race(slug=f"2020-president-{state.lower()}", cycle=2020, office="president",
                            geography=state, stage="general", party="", seat="",
                            title=f"2020 U.S. President: {state}"))
    db.session.commit()
    return "2020-president-oh", "2020-president-pa"


def moved(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 301, (url, response.status_code)
    return response.headers["Location"]


def test_every_public_address_of_a_renamed_question_redirects_with_its_query(demo_app, client):
    with demo_app.app_context():
        rename_question("calexit", "calexit-2017")
    for old, new in [
        ("/questions/calexit", "/questions/calexit-2017"),
        ("/questions/calexit?method=lowess&range=all", "/questions/calexit-2017?method=lowess&range=all"),
        ("/embed/calexit?method=weighted", "/embed/calexit-2017?method=weighted"),
        ("/charts/calexit.png", "/charts/calexit-2017.png"),
        ("/charts/calexit.svg?theme=dark", "/charts/calexit-2017.svg?theme=dark"),
        ("/charts/calexit/data.json", "/charts/calexit-2017/data.json"),
        ("/api/v1/questions/calexit", "/api/v1/questions/calexit-2017"),
        ("/api/v1/questions/calexit/average?method=kalman",
         "/api/v1/questions/calexit-2017/average?method=kalman"),
        ("/api/v1/questions/calexit/polls.csv", "/api/v1/questions/calexit-2017/polls.csv"),
        ("/api/v1/questions/calexit/polls.atom", "/api/v1/questions/calexit-2017/polls.atom"),
    ]:
        assert moved(client, old).endswith(new)
        # 503 for a chart: not drawn yet (no worker runs in these tests), never a 404
        assert client.get(new).status_code in (200, 503), new
    # HEAD is a read too; a write to the old address is not redirected (a client must not
    # have its POST silently turned into a GET): it is a 404 as before.
    assert client.head("/questions/calexit").status_code == 301
    assert client.post("/api/v1/questions/calexit/polls", json={}).status_code in (401, 404)
    assert client.get("/questions/never-was").status_code == 404


def test_a_question_renamed_twice_sends_both_old_slugs_to_the_newest_and_back_again(demo_app, client):
    with demo_app.app_context():
        rename_question("calexit", "calexit-2017")
        rename_question("calexit-2017", "california-independence")
    assert moved(client, "/questions/calexit").endswith("/questions/california-independence")
    assert moved(client, "/questions/calexit-2017").endswith("/questions/california-independence")
    with demo_app.app_context():
        rename_question("california-independence", "calexit")  # back to where it began
        kept = db.session.execute(
            select(SlugRedirect.old_slug).order_by(SlugRedirect.old_slug)).scalars().all()
    assert client.get("/questions/calexit").status_code == 200
    assert moved(client, "/questions/california-independence").endswith("/questions/calexit")
    assert kept == ["calexit-2017", "california-independence"]


def test_another_question_may_not_take_an_old_slug(demo_app, logged_in):
    with demo_app.app_context():
        rename_question("calexit", "calexit-2017")
        with pytest.raises(Exception) as refused:
            add_question("Another", ["Yes", "No"], slug="calexit")
        assert "calexit-2017" in refused.value.fields["slug"]
        approval = get_question("trump-approval")
        edit = {"title": approval.title, "slug": "calexit", "region": "", "description": "",
                "new_choices": ""}
        for i, choice in enumerate(approval.choices):
            edit |= {f"choices-{i}-id": str(choice.id), f"choices-{i}-name": choice.name,
                     f"choices-{i}-status": "running"}
    page = logged_in.post("/admin/questions/trump-approval/edit", data=edit).get_data(as_text=True)
    assert 'id="slug-error"' in page and "calexit-2017" in page
    with demo_app.app_context():
        assert get_question("trump-approval").slug == "trump-approval"


def test_a_renamed_or_merged_pollster_and_a_renamed_race_redirect(demo_app, client):
    with demo_app.app_context():
        rename_pollster("gallup", "Gallup Organization")
        typo = add_pollster("Galupp")
        merge_pollsters(get_pollster("gallup-organization"), typo, actor="test")
        first, second = two_races()
        rename_race(first, "renamed-race")
    assert moved(client, "/pollsters/gallup").endswith("/pollsters/gallup-organization")
    assert moved(client, "/pollsters/galupp").endswith("/pollsters/gallup-organization")
    assert moved(client, "/api/v1/pollsters/gallup/polls.atom").endswith(
        "/api/v1/pollsters/gallup-organization/polls.atom")
    assert client.get("/pollsters/gallup-organization").status_code == 200
    assert moved(client, f"/races/{first}").endswith("/races/renamed-race")
    assert moved(client, f"/api/v1/races/{first}").endswith("/api/v1/races/renamed-race")
    assert client.get("/races/renamed-race").status_code == 200
    with demo_app.app_context():
        # the old names are taken: a new pollster may not reuse them, a filter still finds them
        with pytest.raises(Exception) as refused:
            add_pollster("Gallup")
        assert "Gallup Organization" in refused.value.fields["name"]
        assert resolve_pollsters(["galupp"])[0].slug == "gallup-organization"
        with pytest.raises(Exception) as taken:
            rename_race(second, first)
        assert "renamed-race" in taken.value.fields["new_slug"]


def test_the_rename_race_command_names_its_problems(demo_app, runner):
    with demo_app.app_context():
        first, second = two_races()
    result = runner.invoke(args=["rename-race", "no-such-race", "x"])
    assert result.exit_code == 1 and "No race with slug 'no-such-race'" in result.output
    result = runner.invoke(args=["rename-race", first, second])
    assert result.exit_code == 1 and f"new_slug: “{second}” is taken" in result.output
    result = runner.invoke(args=["rename-race", first, "A Race (renamed)"])
    assert result.exit_code == 0 and "'a-race-renamed'" in result.output
