"""``import-polls``: every format detected and named, 538's files mapped into questions,
idempotence, the audit trail, atomic failure, --skip-invalid, --dry-run, --json, and one
recomputation of the averages per touched question.

The 538 excerpts in tests/data are rows copied unchanged from the files SOURCES.md lists
(data CC BY 4.0, FiveThirtyEight / ABC News).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from import_support import (
    DATA,
    TRUMP_2020,
    TRUMP_2021,
    choices_of,
    copy_data,
    edit_line,
    import_json,
    question_slugs,
    run_import,
    store_counts,
    stored_polls,
)
from sqlalchemy import select

from pollservice.extensions import db
from pollservice.jobs import compute, queue
from pollservice.models import Question, Race
from pollservice.services.imports import formats
from pollservice.services.polls import delete_poll

# What is stored, not averages: recomputes wait for a worker (conftest's app).
pytestmark = pytest.mark.jobs_run(False)

SUMMARY_KEYS = {"file", "format", "dry_run", "added", "updated", "unchanged", "rejected",
                "skipped", "skipped_reasons", "questions", "created_questions", "problems",
                "imported", "rows", "merged", "warnings", "created_races", "created_pollsters",
                "seconds", "peak_memory_mb", "timings"}
CANONICAL_HEADER = ("question,question_title,question_region,pollster,start_date,end_date,"
                    "sample_size,population,source,source_id,Support,Oppose\n")
CANONICAL_GOOD = "texit,Should Texas leave?,Texas,Good Pollster,2017-05-01,2017-05-03,800,a,csv,g1,30,60\n"


# ------------------------------------------------------------------ formats: detection


@pytest.mark.parametrize("name, expected", [
    ("fte_approval_trump_2020-10-31.csv", "fte-approval"),
    ("fte_approval_biden.csv", "fte-approval"),
    ("fte_president_polls.csv", "fte-polls"),
    ("fte_president_approval_polls.csv", "fte-polls"),
    ("fte_generic_ballot_polls.csv", "fte-polls"),
    ("fte_raw_polls.csv", "fte-raw-polls"),
])
def test_each_538_format_is_detected_from_its_header(name, expected):
    text = (DATA / name).read_text(encoding="utf-8")
    assert formats.detect(text, name) == expected


def test_canonical_csv_and_json_are_detected():
    assert formats.detect(CANONICAL_HEADER + CANONICAL_GOOD, "x.csv") == "canonical"
    assert formats.detect('\n {"format": "pollservice-polls", "questions": []}', "x.json") == "canonical-json"


@pytest.mark.parametrize("name, fmt, slug, added", [
    ("fte_approval_biden.csv", "fte-approval", "biden-approval", 12),
    ("fte_president_polls.csv", "fte-polls", "2020-president-us", 4),
    ("fte_raw_polls.csv", "fte-raw-polls", "2018-senate-az", 12),
])
def test_a_named_format_imports_like_the_detected_one(app, runner, name, fmt, slug, added):
    summary = import_json(runner, DATA / name, "--format", fmt)
    assert summary["format"] == fmt and summary["added"] > 0
    assert len(stored_polls(app, slug)) == added


def test_a_wrongly_named_format_rejects_the_file_at_its_header_and_writes_nothing(app, runner):
    before = store_counts(app)
    result = run_import(runner, TRUMP_2020, "--format", "fte-raw-polls")
    assert result.exit_code == 1
    assert f"{TRUMP_2020}:1: race: required column is missing" in result.output
    assert f"{TRUMP_2020}:1: cand1_actual: required column is missing" in result.output
    assert store_counts(app) == before


def test_a_file_in_no_known_format_is_rejected_at_line_1(app, runner, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,colour\nx,red\n")
    result = run_import(runner, path)
    assert result.exit_code == 1
    assert f"{path}:1: header: is in no format pollservice reads; the header read: " in result.output


# ------------------------------------------------------------------------ fte-approval


def test_fte_approval_imports_each_538_question_once_and_counts_one_version_per_poll(app, runner):
    summary = import_json(runner, TRUMP_2020)
    assert (summary["added"], summary["skipped"], summary["created_questions"]) == (27, 6, ["trump-approval"])
    assert summary["skipped_reasons"] == {
        "the same 538 question again, for another subgroup (one row per question)": 6}
    polls = stored_polls(app, "trump-approval")
    assert len(polls) == 27
    assert choices_of(app, "trump-approval") == ["Approve", "Disapprove"]
    # Ipsos poll 49426 is in "All polls" as the adults' version (question 77599) and in
    # "Voters" as the likely voters' (77560): both are stored, the adults' is counted.
    assert polls["77560"]["counted"] is False and polls["77559"]["counted"] is False
    assert polls["77560"]["version_group"] == "fivethirtyeight:poll:49426"
    ipsos = polls["77599"]
    assert ipsos | {"id": None} == {
        "id": None, "pollster": "Ipsos", "sponsor": "", "start_date": "2017-01-20",
        "end_date": "2017-01-24", "sample_size": 1632, "population": "a", "mode": "",
        "source_url": "http://polling.reuters.com/#poll/CP3_2/", "partisan": False,
        "internal": False, "notes": "", "source": "fivethirtyeight",
        "election_date": None, "deleted": False, "counted": True,
        "version_group": "fivethirtyeight:poll:49426", "tracking": True,
        "published_on": "2017-03-01",
        "results": {"Approve": 42.1, "Disapprove": 45.2}, "actual": {}}
    assert polls["77261"]["tracking"] is False and polls["77261"]["population"] == "rv"
    assert polls["92542"]["sample_size"] == 2203  # 538's "2202.5" (merged versions), rounded


def test_fte_approval_names_the_question_after_the_president_or_the_option(app, runner):
    import_json(runner, DATA / "fte_approval_biden.csv")
    assert question_slugs(app) == {"biden-approval"}
    with app.app_context():
        question = db.session.execute(select(Question)).scalar_one()
        assert question.title == ("Do you approve or disapprove of the way Joseph R. Biden Jr. "
                                  "is handling the job of president?")
        assert question.region == "United States"
    summary = import_json(runner, DATA / "fte_approval_biden.csv", "--question", "biden-job")
    assert summary["added"] == 12 and question_slugs(app) == {"biden-approval", "biden-job"}


def test_question_option_keeps_only_that_races_rows_in_other_formats(app, runner):
    summary = import_json(runner, DATA / "fte_raw_polls.csv", "--question", "2016-president-us")
    assert summary["added"] == 2
    assert summary["skipped_reasons"] == {"not question 2016-president-us": 28}
    assert question_slugs(app) == {"2016-president-us"}


# --------------------------------------------------------------------------- fte-polls


def test_fte_polls_groups_538_questions_into_one_question_per_race(app, runner):
    summary = import_json(runner, DATA / "fte_president_polls.csv")
    assert summary["added"] == 10 and summary["skipped"] == 0
    assert summary["created_races"] == ["2020-president-us", "2020-president-pa",
                                        "2020-president-me-02"]
    assert question_slugs(app) == {"2020-president-us", "2020-president-pa",
                                   "2020-president-me-02", "2020-president-pa-sanders-trump",
                                   "2020-president-pa-o-rourke-trump"}
    assert choices_of(app, "2020-president-us") == ["Biden", "Trump"]
    assert choices_of(app, "2020-president-pa") == ["Biden", "Trump", "Jorgensen", "Hawkins"]

    national = stored_polls(app, "2020-president-us")
    # Poll 70559: registered voters (131629) counted before adults (131994); poll 65780:
    # likely voters (121605) before registered voters (121604). Both versions are kept.
    assert set(national) == {"131629", "131994", "121605", "121604"}
    assert {sid for sid, poll in national.items() if poll["counted"]} == {"131629", "121605"}
    assert national["131994"]["version_group"] == national["131629"]["version_group"]
    assert national["131629"]["sample_size"] is None
    assert national["131629"]["pollster"] == "Socioanalítica Research"
    assert national["121605"]["results"] == {"Biden": 53.0, "Trump": 47.0}
    assert national["121605"]["sponsor"] == "Harvard"
    assert national["121605"]["election_date"] == "2020-11-03"

    pennsylvania = stored_polls(app, "2020-president-pa")
    # Poll 68264: the version with the full field (127876) counted before Biden-Trump only
    # (127878); poll 57754: Biden-Trump (93786), its Sanders-Trump and O'Rourke-Trump
    # versions are hypothetical match-ups, each in its own question of the race.
    assert {sid for sid, poll in pennsylvania.items() if poll["counted"]} == {"127876", "93786"}
    full_field = pennsylvania["127876"]
    assert full_field["results"] == {"Biden": 50.0, "Trump": 42.0, "Jorgensen": 2.0, "Hawkins": 0.0}
    assert full_field["sponsor"] == "League of Conservation Voters | Climate Power 2020"
    assert full_field["partisan"] is True and full_field["internal"] is False
    assert (full_field["start_date"], full_field["end_date"]) == ("2020-08-13", "2020-08-19")
    assert pennsylvania["93786"]["results"] == {"Biden": 50.0, "Trump": 43.0}
    assert choices_of(app, "2020-president-pa-sanders-trump") == ["Sanders", "Trump"]
    with app.app_context():
        race_of = {q.slug: (q.race.slug, q.hypothetical, q.geography) for q in
                   db.session.execute(select(Question)).scalars()}
    assert race_of["2020-president-pa-sanders-trump"] == ("2020-president-pa", True, "PA")
    assert race_of["2020-president-me-02"] == ("2020-president-me-02", False, "ME-02")


def test_fte_polls_generic_ballot_keeps_every_version_and_independents_when_asked(app, runner):
    summary = import_json(runner, DATA / "fte_generic_ballot_polls.csv")
    assert summary["added"] == 22 and summary["skipped"] == 0
    assert choices_of(app, "2020-generic-ballot-us") == ["Democrats", "Republicans"]
    assert choices_of(app, "2018-generic-ballot-us") == ["Democrats", "Republicans", "Independents"]
    polls_2020 = stored_polls(app, "2020-generic-ballot-us")
    counted_2020 = {sid: poll for sid, poll in polls_2020.items() if poll["counted"]}
    assert len(counted_2020) == 6
    assert polls_2020["136472"]["counted"] is False  # the registered voters' version of poll 72714
    assert polls_2020["136473"]["results"] == {"Democrats": 52.0, "Republicans": 42.0}
    assert polls_2020["136282"]["notes"] == "probabilistic voting question"
    assert polls_2020["136282"]["tracking"] is True
    polls_2018 = stored_polls(app, "2018-generic-ballot-us")
    assert polls_2018["80766"]["results"] == {"Democrats": 41.3, "Republicans": 36.8,
                                              "Independents": 5.3}
    assert polls_2018["80766"]["population"] == "rv" and polls_2018["80770"]["counted"] is False
    assert polls_2018["80780"]["results"] == {"Democrats": 44.0, "Republicans": 43.0}


def test_fte_polls_approval_layout_prefers_adults_and_matches_the_approval_list(app, runner):
    import_json(runner, TRUMP_2020)
    summary = import_json(runner, DATA / "fte_president_approval_polls.csv")
    # Questions 77261 and 77265 are in both files: same 538 question id, so updated in
    # place (the polls page adds sponsor and mode), not added twice.
    assert (summary["added"], summary["updated"], summary["skipped"]) == (14, 2, 0)
    polls = stored_polls(app, "trump-approval")
    assert len(polls) == 27 + 14
    assert polls["139305"]["counted"] is False and polls["139304"]["population"] == "a"
    assert polls["139304"]["counted"] is True
    assert polls["139304"]["results"] == {"Approve": 42.0, "Disapprove": 53.0}
    assert polls["139304"]["published_on"] == "2021-01-20"
    # two adults' versions: the lower question id is counted
    assert polls["80616"]["counted"] is False and polls["77926"]["counted"] is True
    assert polls["77261"]["sponsor"] == "Politico" and polls["77261"]["mode"] == "Online"
    with app.app_context():
        question = db.session.execute(select(Question).where(Question.slug == "trump-approval")).scalar_one()
        assert (question.subject, question.geography, question.race_id) == (
            "Donald Trump approval", "US", None)


# ----------------------------------------------------------------------- fte-raw-polls


def test_fte_raw_polls_keeps_the_actual_election_result(app, runner):
    summary = import_json(runner, DATA / "fte_raw_polls.csv")
    assert summary["added"] == 30
    assert question_slugs(app) == {"2000-president-us", "2016-president-us", "2018-senate-az",
                                   "2020-president-pa"}
    assert choices_of(app, "2016-president-us") == ["Clinton", "Trump"]
    polls = stored_polls(app, "2016-president-us")
    lucid = polls["73806"]
    assert lucid["results"] == {"Clinton": 45.0, "Trump": 37.0}
    assert lucid["actual"] == {"Clinton": 48.54, "Trump": 46.43}
    assert lucid["election_date"] == "2016-11-08"
    assert lucid["start_date"] == lucid["end_date"] == "2016-10-19"
    assert lucid["sponsor"] == "The Times-Picayune" and lucid["population"] == "lv"
    assert "best other candidate: 6%" in lucid["notes"]
    assert polls["76444"]["population"] == "rv"  # "among registered voters"
    gore = stored_polls(app, "2000-president-us")["121992"]
    assert gore["sample_size"] is None  # 538 estimated it: unknown
    assert gore["actual"] == {"Gore": 48.42, "Bush": 47.9}
    assert stored_polls(app, "2020-president-pa")["133641"]["partisan"] is True
    with app.app_context():
        race = db.session.execute(select(Race).where(Race.slug == "2016-president-us")).scalar_one()
        assert (race.election_date.isoformat(), race.result_source) == ("2016-11-08", "fte_raw_polls.csv")
        assert {(r.candidate, r.party, r.vote_share) for r in race.results} == {
            ("Clinton", "DEM", 48.54), ("Trump", "REP", 46.43)}
        clinton = race.questions[0].choices[0]
        assert (clinton.name, clinton.full_name, clinton.party) == (
            "Clinton", "Hillary Rodham Clinton", "DEM")


# ------------------------------------------------------------ idempotence and updates


def test_importing_the_same_file_twice_adds_nothing(app, runner):
    first = import_json(runner, DATA / "fte_raw_polls.csv")
    counts = store_counts(app)
    second = import_json(runner, DATA / "fte_raw_polls.csv")
    assert (second["added"], second["updated"], second["unchanged"]) == (0, 0, first["added"])
    assert second["questions"] == []
    assert store_counts(app) == counts


def test_a_changed_row_updates_its_poll_and_the_history_names_the_file(app, runner, client, admin):
    import_json(runner, TRUMP_2020)
    before = stored_polls(app, "trump-approval")
    summary = import_json(runner, TRUMP_2021)
    # the Voters version 77560 of poll 49426 is in both lists, so unchanged (not skipped)
    assert (summary["added"], summary["updated"], summary["unchanged"]) == (2, 4, 4)
    after = stored_polls(app, "trump-approval")
    assert len(after) == 29
    changed = after["131970"]
    assert changed["id"] == before["131970"]["id"]
    assert changed["results"] == {"Approve": 43.5, "Disapprove": 52.5}
    assert after["132452"]["end_date"] == "2020-10-31" and after["132452"]["sample_size"] == 325970

    history = client.get(f"/api/v1/polls/{changed['id']}/history").get_json()
    assert [entry["action"] for entry in history] == ["create", "update"]
    assert history[0]["actor"] == "import:fte_approval_trump_2020-10-31.csv"
    assert history[0]["old"] is None
    assert history[0]["new"]["results"] == {"Approve": 42.0, "Disapprove": 54.0}
    assert history[0]["new"]["source_id"] == "131970"
    assert history[1]["actor"] == "import:fte_approval_trump_2021-01-20.csv"
    assert history[1]["old"] == {"results": {"Approve": 42.0, "Disapprove": 54.0}}
    assert history[1]["new"] == {"results": {"Approve": 43.5, "Disapprove": 52.5}}
    public = client.get(f"/polls/{changed['id']}").get_data(as_text=True)
    assert "<strong>edited</strong>" in public and "by an import" in public
    assert "import:fte_approval_trump" not in public  # actors are for editors' eyes
    client.post("/admin/login", data=admin)
    page = client.get(f"/polls/{changed['id']}").get_data(as_text=True)
    assert "by import:fte_approval_trump_2021-01-20.csv" in page
    unchanged = client.get(f"/api/v1/polls/{after['77265']['id']}/history").get_json()
    assert [entry["action"] for entry in unchanged] == ["create"]


def test_a_re_import_does_not_bring_back_a_deleted_poll(app, runner):
    import_json(runner, TRUMP_2020)
    poll_id = stored_polls(app, "trump-approval")["131970"]["id"]
    with app.app_context():
        delete_poll(poll_id, "user:editor")
    summary = import_json(runner, TRUMP_2021)
    assert summary["skipped_reasons"]["deleted in pollservice (a re-import does not bring it back)"] == 1
    assert stored_polls(app, "trump-approval")["131970"]["deleted"] is True


# ------------------------------------------------------------------ atomic failure


def canonical_file(folder: Path, *rows: str, header: str = CANONICAL_HEADER) -> Path:
    path = folder / "texit.csv"
    path.write_text(header + "".join(rows), encoding="utf-8")
    return path


@pytest.fixture
def texit(app, runner, tmp_path):
    """One stored canonical poll, so 'nothing written' is checked against a real store."""
    assert import_json(runner, canonical_file(tmp_path, CANONICAL_GOOD))["added"] == 1
    return store_counts(app)


NEW_ROW = "texit,,,New Pollster,2017-06-01,2017-06-03,700,rv,csv,n1,33,55\n"


@pytest.mark.parametrize("bad_row, field, message", [
    ("texit,,,Bad,2017-06-01,2017-06-03,700,rv,csv,b1,130,55\n", "results.Support",
     "must be between 0 and 100"),
    ("texit,,,Bad,2017-06-09,2017-06-03,700,rv,csv,b1,30,55\n", "end_date",
     "must be on or after the start date"),
    ("texit,,,Bad,2017-06-01,2017-06-03,700,xx,csv,b1,30,55\n", "population", "must be one of a ("),
    ("texit,,,Bad,June 1st,2017-06-03,700,rv,csv,b1,30,55\n", "start_date",
     "'June 1st' is not a date"),
])
def test_one_bad_row_rejects_the_file_reports_file_line_field_and_writes_nothing(
        app, runner, tmp_path, texit, bad_row, field, message):
    path = canonical_file(tmp_path, NEW_ROW, bad_row, NEW_ROW.replace("n1", "n2"))
    result = run_import(runner, path)
    assert result.exit_code == 1
    assert f"{path}:3: {field}: {message}" in result.output
    assert "nothing was imported" in result.output
    assert store_counts(app) == texit


def test_a_poll_twice_in_one_file_is_rejected(app, runner, tmp_path, texit):
    path = canonical_file(tmp_path, NEW_ROW, NEW_ROW.replace(",33,55", ",34,54"))
    result = run_import(runner, path)
    assert result.exit_code == 1
    assert f"{path}:3: source_id: repeats the poll of line 2" in result.output
    assert store_counts(app) == texit


def test_a_missing_required_column_rejects_the_file_at_line_1(app, runner, tmp_path, texit):
    header = CANONICAL_HEADER.replace("population,", "")
    path = canonical_file(tmp_path, "texit,,,Bad,2017-06-01,2017-06-03,700,csv,b1,30,55\n",
                          header=header)
    result = run_import(runner, path)
    assert result.exit_code == 1
    assert f"{path}:1: population: required column is missing" in result.output
    assert store_counts(app) == texit


@pytest.mark.parametrize("line, old, new, field, message", [
    (4, ",45,46,", ",145,46,", "approve", "must be between 0 and 100"),
    (5, "1/20/2017,1/24/2017", "1/20/2017,1/14/2017", "enddate", "must be on or after the start date"),
    (6, ",1500,lv,", ",1500,zz,", "population", "must be one of"),
    (7, "1/20/2017,1/25/2017", "Jan 20,1/25/2017", "startdate", "'Jan 20' is not a date (m/d/yyyy)"),
])
def test_a_bad_538_row_is_reported_with_538s_column_name(app, runner, tmp_path, line, old, new,
                                                          field, message):
    path = edit_line(copy_data(TRUMP_2020.name, tmp_path), line, old, new)
    result = run_import(runner, path)
    assert result.exit_code == 1
    assert f"{path}:{line}: {field}: {message}" in result.output
    assert store_counts(app)["Poll"] == 0 and question_slugs(app) == set()


def test_a_538_file_without_a_required_column_is_rejected(app, runner, tmp_path):
    path = tmp_path / "approval_polllist.csv"
    text = TRUMP_2020.read_text(encoding="utf-8")
    path.write_text(text.replace(",question_id,", ",qid,", 1), encoding="utf-8")
    result = run_import(runner, path)
    assert result.exit_code == 1
    assert f"{path}:1: question_id: required column is missing" in result.output
    assert store_counts(app)["Poll"] == 0


def test_a_bad_answer_in_a_long_538_file_names_the_answers_line(app, runner, tmp_path):
    path = edit_line(copy_data("fte_president_polls.csv", tmp_path), 7, ",REP,42.0", ",REP,142.0")
    result = run_import(runner, path)
    assert result.exit_code == 1
    assert f"{path}:7: pct: must be between 0 and 100" in result.output
    assert store_counts(app)["Poll"] == 0


# ------------------------------------------------------- --skip-invalid, --dry-run, --json


def test_skip_invalid_imports_the_good_rows_and_lists_every_bad_one(app, runner, tmp_path, texit):
    path = canonical_file(
        tmp_path, NEW_ROW,
        "texit,,,Bad,2017-06-01,2017-06-03,700,rv,csv,b1,130,55\n",
        NEW_ROW.replace("n1", "n2"),
        "texit,,,Bad,2017-06-09,2017-06-03,700,qq,csv,b2,30,55\n")
    result = run_import(runner, path, "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert f"{path}:3: results.Support: must be between 0 and 100" in result.output
    assert f"{path}:5: end_date: must be on or after the start date" in result.output
    assert f"{path}:5: population: must be one of" in result.output
    assert "added 2, updated 0, unchanged 0, rejected 2" in result.output
    polls = stored_polls(app, "texit")
    assert set(polls) == {"g1", "n1", "n2"}
    assert store_counts(app)["AuditEntry"] == texit["AuditEntry"] + 2


def test_dry_run_reports_what_would_change_and_writes_nothing(app, runner, texit, tmp_path):
    path = canonical_file(tmp_path, NEW_ROW, CANONICAL_GOOD.replace(",30,60", ",31,59"))
    result = run_import(runner, path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "added 1, updated 1, unchanged 0, rejected 0" in result.output
    assert "Dry run: nothing was written." in result.output
    assert store_counts(app) == texit
    assert stored_polls(app, "texit")["g1"]["results"] == {"Support": 30.0, "Oppose": 60.0}


def test_dry_run_of_a_538_list_creates_no_question(app, runner):
    summary = import_json(runner, TRUMP_2020, "--dry-run")
    assert summary["dry_run"] is True and summary["imported"] is False
    assert summary["added"] == 27 and summary["created_questions"] == ["trump-approval"]
    assert store_counts(app) == dict.fromkeys(store_counts(app), 0)


def test_dry_run_of_a_bad_file_lists_the_problems_and_fails(app, runner, tmp_path, texit):
    path = canonical_file(tmp_path, NEW_ROW, "texit,,,Bad,2017-06-01,2017-06-03,700,rv,csv,b1,130,55\n")
    result = run_import(runner, path, "--dry-run")
    assert result.exit_code == 1
    assert f"{path}:3: results.Support: must be between 0 and 100" in result.output
    assert "The import would fail" in result.output
    assert store_counts(app) == texit


def test_json_summary_has_the_documented_shape(app, runner, tmp_path, texit):
    summary = import_json(runner, canonical_file(tmp_path, NEW_ROW, CANONICAL_GOOD))
    assert set(summary) == SUMMARY_KEYS
    measured = ("seconds", "peak_memory_mb", "timings")
    assert {k: v for k, v in summary.items() if k not in measured} | {"file": None} == {
        "file": None, "format": "canonical", "dry_run": False, "imported": True,
        "added": 1, "updated": 0, "unchanged": 1, "rejected": 0, "skipped": 0,
        "skipped_reasons": {}, "questions": ["texit"], "created_questions": [], "problems": [],
        "rows": 2, "merged": 1, "warnings": [], "created_races": [], "created_pollsters": ["New Pollster"]}
    assert summary["seconds"] > 0 and summary["peak_memory_mb"] > 0
    assert set(summary["timings"]) == {"read", "plan", "write", "commit"}
    assert summary["file"] == "texit.csv"


def test_json_summary_of_a_rejected_file_lists_the_problems(app, runner, tmp_path, texit):
    path = canonical_file(tmp_path, NEW_ROW, "texit,,,Bad,2017-06-01,2017-06-03,700,rv,csv,b1,130,55\n")
    result = run_import(runner, path, "--json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["imported"] is False and summary["rejected"] == 1
    assert summary["problems"] == [{"line": 3, "ref": None, "field": "results.Support",
                                    "message": "must be between 0 and 100"}]


# ------------------------------------------------------------------ averages, once


@pytest.mark.jobs_run(True)  # counts the recomputes it runs
def test_an_import_queues_one_recompute_per_touched_question_not_per_row(app, runner, monkeypatch):
    queued: list[int] = []
    computed: list[int] = []
    send = queue.Jobs.send_recompute
    results = compute.compute_results

    def counting_send(self, question_id):
        queued.append(question_id)
        return send(self, question_id)

    def counting_compute(session, question_id):
        computed.append(question_id)
        return results(session, question_id)

    monkeypatch.setattr(queue.Jobs, "send_recompute", counting_send)
    monkeypatch.setattr(compute, "compute_results", counting_compute)
    summary = import_json(runner, DATA / "fte_raw_polls.csv")  # 30 polls, 4 questions
    assert summary["added"] == 30
    with app.app_context():
        ids = set(db.session.execute(select(Question.id)).scalars())
    assert len(ids) == 4
    assert sorted(queued) == sorted(ids) and sorted(computed) == sorted(ids)

    queued.clear()
    computed.clear()
    import_json(runner, DATA / "fte_raw_polls.csv")  # nothing changes: nothing recomputed
    assert queued == [] and computed == []


def test_rows_without_a_source_id_are_unchanged_on_a_second_import(app, runner, tmp_path):
    header = ("question,question_title,question_region,pollster,start_date,end_date,"
              "sample_size,population,Support,Oppose\n")
    path = tmp_path / "no-ids.csv"
    path.write_text(header
                    + "texit,Should Texas leave?,Texas,Good Pollster,2017-05-01,2017-05-03,800,a,30,60\n"
                    + "texit,,,Other Pollster,2017-05-04,2017-05-06,600,rv,28,61\n")
    first = import_json(runner, path)
    again = import_json(runner, path)
    assert first["added"] == 2
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 2)


def test_a_new_question_with_a_too_long_title_is_named_at_its_line(app, runner, tmp_path):
    header = ("question,question_title,question_region,pollster,start_date,end_date,"
              "sample_size,population,Yes\n")
    path = tmp_path / "long.csv"
    path.write_text(header + f"long-one,{'T' * 301},,Pollster,2017-05-01,2017-05-03,800,a,30\n")
    before = store_counts(app)
    result = run_import(runner, path)
    assert result.exit_code == 1
    assert "long.csv:2: question.title: must be at most 300 characters" in result.output
    assert store_counts(app) == before


def test_a_new_question_cell_that_is_not_a_slug_is_refused_at_its_line(app, runner, tmp_path):
    header = ("question,question_title,question_region,pollster,start_date,end_date,"
              "sample_size,population,Yes\n")
    path = tmp_path / "unslugged.csv"
    path.write_text(header + "Calexit_2017,Calexit?,,Pollster,2017-05-01,2017-05-03,800,a,30\n")
    result = run_import(runner, path)
    assert result.exit_code == 1 and "unslugged.csv:2: question: must be a slug" in result.output
    assert "'calexit-2017'" in result.output
