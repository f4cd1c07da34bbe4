"""One identity per pollster: merging duplicates (service, CLI, admin), aliases, and
public pages that list only pollsters with published polls.

The known truth is the demo file: FiveThirtyEight's Trump approval list names Rasmussen
"Rasmussen Reports/Pulse Opinion Research"; merging it into "Rasmussen Reports" must move
exactly the polls the file gives it, each with its audit trail.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from conftest import signed_in_with_csrf
from pollservice.domain.errors import Conflict
from pollservice.extensions import db
from pollservice.models import AuditEntry, Poll, Pollster, PollsterAlias, PollsterMerge, Question
from pollservice.services.polls import add_poll, delete_poll
from pollservice.services.pollster_duplicates import possible_duplicates
from pollservice.services.pollster_identity import merge_pollsters
from pollservice.services.pollsters import add_pollster, get_pollster

# What is stored, not averages: recomputes wait for a worker (conftest's app).
pytestmark = pytest.mark.jobs_run(False)

DEMO = Path(__file__).resolve().parents[1] / "pollservice" / "data" / "demo_trump_approval.csv"
PULSE = "Rasmussen Reports/Pulse Opinion Research"
PULSE_SLUG = "rasmussen-reports-pulse-opinion-research"


def polls_in_demo_file(pollster: str) -> int:
    with DEMO.open(newline="", encoding="utf-8") as handle:
        return sum(1 for row in csv.DictReader(handle) if row["pollster"] == pollster)


def pollster_row(app, slug: str) -> Pollster | None:
    with app.app_context():
        return db.session.execute(select(Pollster).where(Pollster.slug == slug)).scalar_one_or_none()


def poll_ids_of(app, slug: str) -> set[int]:
    with app.app_context():
        return set(db.session.execute(
            select(Poll.id).join(Pollster).where(Pollster.slug == slug)).scalars())


@pytest.mark.jobs_run(True)  # reads what the recompute stores
def test_cli_merge_moves_exactly_the_files_polls_with_their_audit_trail(demo_app, runner, client):
    expected = polls_in_demo_file(PULSE)
    assert expected > 0
    with demo_app.app_context():
        add_pollster("Rasmussen Reports")
        version_before = db.session.execute(
            select(Question.data_version).where(Question.slug == "trump-approval")).scalar_one()
    moving = poll_ids_of(demo_app, PULSE_SLUG)
    assert len(moving) == expected

    result = runner.invoke(args=["merge-pollsters", "Rasmussen Reports", PULSE_SLUG])
    assert result.exit_code == 0, result.output
    assert f"{expected} polls moved" in result.output

    assert pollster_row(demo_app, PULSE_SLUG) is None
    assert poll_ids_of(demo_app, "rasmussen-reports") == moving
    with demo_app.app_context():
        entries = db.session.execute(select(AuditEntry).where(AuditEntry.poll_id.in_(moving))).scalars().all()
        merges = [e for e in entries if e.new_values == {"pollster": "Rasmussen Reports"}]
        assert sorted(e.poll_id for e in merges) == sorted(moving)
        assert all(e.old_values == {"pollster": PULSE} and e.actor == "cli" for e in merges)
        # the entries the import wrote stay with their polls
        assert {e.poll_id for e in entries if e.action == "create"} == moving
        record = db.session.execute(select(PollsterMerge)).scalar_one()
        assert (record.merged_name, record.merged_slug, record.polls_moved) == (PULSE, PULSE_SLUG, expected)
        alias = db.session.execute(select(PollsterAlias).where(PollsterAlias.name == PULSE)).scalar_one()
        assert alias.pollster.slug == "rasmussen-reports"
        version_after = db.session.execute(
            select(Question.data_version).where(Question.slug == "trump-approval")).scalar_one()
        assert version_after > version_before

    redirect = client.get(f"/pollsters/{PULSE_SLUG}")
    assert redirect.status_code == 301
    assert redirect.headers["Location"].endswith("/pollsters/rasmussen-reports")
    page = client.get("/pollsters/rasmussen-reports").get_data(as_text=True)
    assert f"{expected} polls" in page and PULSE in page  # the old name, shown as an alias
    history = client.get(f"/api/v1/polls/{min(moving)}/history").get_json()
    assert [entry["action"] for entry in history] == ["create", "update"]
    assert history[-1]["old"] == {"pollster": PULSE} and history[-1]["actor"] == "cli"
    effects = str(client.get("/api/v1/questions/trump-approval/house-effects").get_json())
    assert "'Rasmussen Reports'" in effects and PULSE not in effects


def test_a_poll_posted_under_a_merged_name_goes_to_the_survivor(demo_app, client):
    with demo_app.app_context():
        survivor = add_pollster("Rasmussen Reports")
        merge_pollsters(survivor, get_pollster(PULSE_SLUG), actor="test")
        poll = add_poll("trump-approval", {"pollster": PULSE, "start_date": "2017-06-01",
                                           "end_date": "2017-06-03", "population": "lv",
                                           "results": {"Approve": 45, "Disapprove": 53}})
        assert poll.pollster.slug == "rasmussen-reports"
    assert pollster_row(demo_app, PULSE_SLUG) is None


def test_merge_into_itself_is_refused_and_changes_nothing(demo_app, runner):
    before = poll_ids_of(demo_app, "ipsos")
    with demo_app.app_context():
        ipsos = get_pollster("ipsos")
        with pytest.raises(Conflict, match="cannot be merged into itself"):
            merge_pollsters(ipsos, ipsos, actor="test")
    result = runner.invoke(args=["merge-pollsters", "Ipsos", "ipsos"])
    assert result.exit_code == 1
    assert "Ipsos cannot be merged into itself" in result.output
    assert poll_ids_of(demo_app, "ipsos") == before


def test_cli_names_every_unknown_pollster_and_merges_none(demo_app, runner):
    result = runner.invoke(args=["merge-pollsters", "Ipsos", "gallup", "No Such Polls", "nobody-at-all"])
    assert result.exit_code == 1
    assert "'No Such Polls'" in result.output and "'nobody-at-all'" in result.output
    assert "Traceback" not in result.output
    assert pollster_row(demo_app, "gallup") is not None
    missing = runner.invoke(args=["merge-pollsters", "Nobody", "gallup"])
    assert missing.exit_code == 1 and "'Nobody'" in missing.output


def test_fte_pollster_id_goes_to_a_survivor_without_one_else_is_recorded(demo_app, runner):
    with demo_app.app_context():
        for slug, fte_id in (("gallup", 133), ("yougov", 391), ("ipsos", 154)):
            get_pollster(slug).fte_pollster_id = fte_id
        survivor = add_pollster("Ipsos Public Affairs")
        merge_pollsters(survivor, get_pollster("ipsos"), actor="test")
        assert get_pollster("ipsos-public-affairs").fte_pollster_id == 154
        merge_pollsters(get_pollster("gallup"), get_pollster("yougov"), actor="test")
        assert get_pollster("gallup").fte_pollster_id == 133
        record = db.session.execute(
            select(PollsterMerge).where(PollsterMerge.merged_slug == "yougov")).scalar_one()
        assert record.merged_fte_pollster_id == 391


def test_a_chain_of_merges_redirects_the_first_slug_to_the_last_survivor(demo_app, client):
    with demo_app.app_context():
        merge_pollsters(get_pollster("ipsos"), get_pollster("harris-poll"), actor="test")
        merge_pollsters(get_pollster("gallup"), get_pollster("ipsos"), actor="test")
    for old in ("harris-poll", "ipsos"):
        response = client.get(f"/pollsters/{old}")
        assert response.status_code == 301 and response.headers["Location"].endswith("/pollsters/gallup")


def test_public_list_and_pages_leave_out_pollsters_without_published_polls(demo_app, client):
    with demo_app.app_context():
        add_pollster("Brand New Research")
        winston = db.session.execute(
            select(Poll.id).join(Pollster).where(Pollster.slug == "winston-group")).scalars().all()
        for poll_id in winston:
            delete_poll(poll_id, actor="test")
    listing = client.get("/pollsters").get_data(as_text=True)
    assert "Brand New Research" not in listing and "Winston Group" not in listing
    assert "Gallup" in listing
    assert client.get("/pollsters/brand-new-research").status_code == 404
    assert client.get("/pollsters/winston-group").status_code == 404
    assert client.get("/pollsters/gallup").status_code == 200


def test_admin_merge_searches_confirms_with_the_count_and_needs_csrf(demo_app, database_url, tmp_path, admin):
    expected = polls_in_demo_file(PULSE)
    with demo_app.app_context():
        add_pollster("Rasmussen Reports")
    secured, client = signed_in_with_csrf(database_url, tmp_path, admin)

    edit = client.get(f"/admin/pollsters/{PULSE_SLUG}/edit").get_data(as_text=True)
    assert "Merge into" in edit and f"its {expected} polls" in edit
    found = client.get(f"/admin/pollsters/{PULSE_SLUG}/merge?q=rasmussen").get_data(as_text=True)
    assert "Merge into Rasmussen Reports" in found
    confirm = client.get(f"/admin/pollsters/{PULSE_SLUG}/merge?into=rasmussen-reports").get_data(as_text=True)
    assert re.search(rf'id="polls-moving">{expected} polls<', confirm)
    refused = client.post(f"/admin/pollsters/{PULSE_SLUG}/merge", data={"into": "rasmussen-reports"})
    assert refused.status_code == 400
    assert pollster_row(secured, PULSE_SLUG) is not None

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', confirm).group(1)
    done = client.post(f"/admin/pollsters/{PULSE_SLUG}/merge",
                       data={"into": "rasmussen-reports", "csrf_token": token})
    assert done.status_code == 302
    assert pollster_row(secured, PULSE_SLUG) is None
    assert len(poll_ids_of(secured, "rasmussen-reports")) == expected
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert f"{expected} polls moved" in page


def test_admin_merge_into_itself_is_refused(demo_app, logged_in):
    confirm = logged_in.get("/admin/pollsters/ipsos/merge?into=ipsos").get_data(as_text=True)
    assert "cannot be merged into itself" in confirm and "polls-moving" not in confirm
    response = logged_in.post("/admin/pollsters/ipsos/merge", data={"into": "Ipsos"})
    assert response.status_code == 409
    assert pollster_row(demo_app, "ipsos") is not None


def test_admin_adds_and_removes_aliases_and_says_what_is_wrong(demo_app, logged_in, client):
    added = logged_in.post("/admin/pollsters/ipsos/aliases", data={"alias": "Ipsos Public Affairs"})
    assert added.status_code == 302
    page = logged_in.get("/admin/pollsters/ipsos/edit").get_data(as_text=True)
    assert "Ipsos Public Affairs" in page
    assert "Ipsos Public Affairs" in client.get("/pollsters/ipsos").get_data(as_text=True)

    taken = logged_in.post("/admin/pollsters/gallup/aliases", data={"alias": "ipsos  public-affairs"})
    assert taken.status_code == 422
    assert re.search(r'id="alias-error" class="error" role="alert">Is already an alias of “Ipsos”',
                     taken.get_data(as_text=True))
    other = logged_in.post("/admin/pollsters/gallup/aliases",
                           data={"alias": "Reuters/Ipsos"}).get_data(as_text=True)
    assert "Is the name of the pollster “Reuters/Ipsos”: merge it instead" in other
    empty = logged_in.post("/admin/pollsters/gallup/aliases", data={"alias": "  "})
    assert empty.status_code == 422 and 'id="alias-error"' in empty.get_data(as_text=True)

    with demo_app.app_context():
        before = db.session.execute(select(func.count(PollsterAlias.id))).scalar_one()
        alias_id = db.session.execute(select(PollsterAlias.id).where(
            PollsterAlias.name == "Ipsos Public Affairs")).scalar_one()
    assert logged_in.post(f"/admin/pollsters/ipsos/aliases/{alias_id}/remove").status_code == 302
    with demo_app.app_context():
        assert db.session.execute(select(func.count(PollsterAlias.id))).scalar_one() == before - 1
        assert db.session.get(PollsterAlias, alias_id) is None


def test_possible_duplicates_group_names_that_normalise_alike(demo_app, logged_in):
    with demo_app.app_context():
        for name in ("Siena College", "Siena College/The New York Times Upshot", "Siena Research Institute",
                     "Rasmussen Reports", "Quinnipiac Univ.", "Emmerson College"):
            add_pollster(name)
        groups = {group.core: [p.name for p, _ in group.pollsters] for group in possible_duplicates()}
    assert sorted(groups["siena"]) == ["Siena College", "Siena College/The New York Times Upshot",
                                       "Siena Research Institute"]
    assert groups["ipsos"] == ["Ipsos", "Reuters/Ipsos"]  # the one with more polls first
    assert groups["rasmussen"] == [PULSE, "Rasmussen Reports"]
    assert groups["quinnipiac"] == ["Quinnipiac University", "Quinnipiac Univ."]
    # a typo: the cores differ by one letter (RapidFuzz ratio over 92)
    assert sorted(next(names for names in groups.values() if "Emerson College" in names)) == [
        "Emerson College", "Emmerson College"]
    assert not any({"Gallup", "YouGov"} <= set(names) for names in groups.values())

    page = logged_in.get("/admin/pollsters/duplicates").get_data(as_text=True)
    assert "Merge into Ipsos…" in page
    assert "/admin/pollsters/reuters-ipsos/merge?into=ipsos" in page


def test_reimporting_a_file_after_a_merge_keeps_its_polls_with_the_survivor(demo_app, runner):
    """The demo file still names Rasmussen by its merged name: the merge must stick."""
    with demo_app.app_context():
        merge_pollsters(add_pollster("Rasmussen Reports"), get_pollster(PULSE_SLUG), actor="test")
    moved = poll_ids_of(demo_app, "rasmussen-reports")
    result = runner.invoke(args=["import-polls", str(DEMO), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["added"] == 0 and summary["updated"] == 0
    assert pollster_row(demo_app, PULSE_SLUG) is None
    assert poll_ids_of(demo_app, "rasmussen-reports") == moved
