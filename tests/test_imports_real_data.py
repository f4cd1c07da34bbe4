"""The files users hold import into one instance: a bad optional field is a warning, a
format never blanks what it does not carry, a race polled in two files is one race, every
version of a poll is kept with one counted, pollsters are found by 538 id and alias, and
the impeachment and Economist files have readers.

The excerpts in tests/data are rows copied unchanged from the files
``../shared/data/SOURCES.md`` lists (tests/data/SOURCES.md says which): FiveThirtyEight's
data (CC BY 4.0, FiveThirtyEight / ABC News, https://github.com/fivethirtyeight/data) and
The Economist's us-potus-model polls (MIT, (c) 2020 The Economist; from HuffPost Pollster).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from import_support import (
    DATA,
    TRUMP_2020,
    choices_of,
    copy_data,
    edit_line,
    import_json,
    question_slugs,
    run_import,
    store_counts,
    stored_polls,
)
from sqlalchemy import func, select

from conftest import make_app
from pollservice.domain.versions import version_rank
from pollservice.extensions import db
from pollservice.models import ComputedSeries, Pollster, Question, Race
from pollservice.services.averages import stale_questions
from pollservice.services.imports import formats
from pollservice.services.polls import delete_poll, restore_poll

# What is stored, not averages: recomputes wait for a worker (conftest's app).
pytestmark = pytest.mark.jobs_run(False)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def race(app, slug: str) -> dict:
    with app.app_context():
        found = db.session.execute(select(Race).where(Race.slug == slug)).scalar_one()
        return {"title": found.title, "key": (found.cycle, found.office, found.geography,
                                              found.stage, found.party, found.seat),
                "election_date": found.election_date.isoformat() if found.election_date else None,
                "results": {r.candidate: (r.party, r.vote_share) for r in found.results},
                "result_source": found.result_source,
                "questions": sorted(q.slug for q in found.questions)}


def races(app) -> set[str]:
    with app.app_context():
        return set(db.session.execute(select(Race.slug)).scalars())


# ------------------------------------------------------------ optional fields: warnings


def test_a_bad_optional_url_is_stored_empty_and_listed_as_a_warning_with_its_line(app, runner):
    path = DATA / "fte_president_polls_more.csv"  # president_polls.csv line 4461 is line 5 here
    result = run_import(runner, path)
    assert result.exit_code == 0, result.output
    assert f"{path}:5: warning: url: must be an http(s) URL; stored empty ('0\\t0\\t0" in result.output
    assert "1 warnings" in result.output
    poll = stored_polls(app, "2020-president-mi")["128293"]
    assert poll["source_url"] == "" and poll["results"] == {"Biden": 47.0, "Trump": 42.3}


def test_the_json_summary_lists_the_warnings(app, runner):
    summary = import_json(runner, DATA / "fte_president_polls_more.csv")
    assert summary["warnings"] == [{"line": 5, "ref": None, "field": "url", "message": (
        "must be an http(s) URL; stored empty ('0\\t0\\t0\\t0\\t0\\t0')")}]


def test_a_bad_required_field_still_rejects_the_whole_file_and_writes_nothing(app, runner, tmp_path):
    path = edit_line(copy_data("fte_impeachment_polls.csv", tmp_path), 6, "6/25/2019", "6/35/2019")
    result = run_import(runner, path)
    assert result.exit_code == 1
    assert f"{path}:6: End: '6/35/2019' is not a date (m/d/yyyy)" in result.output
    assert store_counts(app)["Poll"] == 0 and question_slugs(app) == set() and races(app) == set()


def test_an_unrecognised_file_says_so_with_its_header_and_the_known_formats(app, runner, tmp_path):
    path = tmp_path / "colours.csv"
    path.write_text("name,colour,pollster,population\nx,red,y,a\n", encoding="utf-8")
    result = run_import(runner, path)
    assert result.exit_code == 1
    assert (f"{path}:1: header: is in no format pollservice reads; the header read: "
            "name, colour, pollster, population. Known formats: canonical (") in result.output
    for name in formats.names():
        assert f"{name} (" in result.output
    assert "required column is missing" not in result.output


# ---------------------------------------------------- a format never blanks a column


def test_an_approval_list_after_the_polls_page_keeps_sponsor_mode_and_notes(app, runner):
    import_json(runner, DATA / "fte_president_approval_polls.csv")
    before = stored_polls(app, "trump-approval")["77261"]
    assert (before["sponsor"], before["mode"]) == ("Politico", "Online")
    summary = import_json(runner, TRUMP_2020)  # approval_polllist.csv has neither column
    assert summary["merged"] == 2 and not summary["problems"]
    after = stored_polls(app, "trump-approval")["77261"]
    assert (after["sponsor"], after["mode"], after["notes"]) == (
        before["sponsor"], before["mode"], before["notes"])
    assert after["pollster"] == before["pollster"] and after["results"] == before["results"]


# ------------------------------------------------------------------------------ races


def test_a_race_polled_in_two_files_is_one_race_and_the_same_poll_one_poll(app, runner):
    import_json(runner, DATA / "fte_president_polls_more.csv")
    first = stored_polls(app, "2020-president-pa")["133095"]
    summary = import_json(runner, DATA / "fte_raw_polls_more.csv")
    assert summary["merged"] == 1  # raw-polls' question 133095 is the polls page's
    pennsylvania = race(app, "2020-president-pa")
    assert pennsylvania["questions"] == ["2020-president-pa"]
    assert pennsylvania["key"] == (2020, "president", "PA", "general", "", "")
    assert pennsylvania["title"] == "2020 presidential election in Pennsylvania"
    assert pennsylvania["election_date"] == "2020-11-03"
    assert pennsylvania["results"] == {"Biden": ("DEM", 50.01), "Trump": ("REP", 48.84)}
    assert pennsylvania["result_source"] == "fte_raw_polls_more.csv"
    poll = stored_polls(app, "2020-president-pa")["133095"]
    # raw-polls knows the median date only and the top two: the rest stays as it was
    assert (poll["start_date"], poll["end_date"]) == (first["start_date"], first["end_date"])
    assert poll["results"] == first["results"] and len(poll["results"]) > 2
    assert poll["actual"] == {"Biden": 50.01, "Trump": 48.84}
    assert poll["population"] == first["population"] and poll["sponsor"] == first["sponsor"]


def test_raw_polls_generic_ballot_runoffs_and_specials_are_their_own_races(app, runner):
    result = run_import(runner, DATA / "fte_raw_polls_more.csv")
    assert result.exit_code == 0, result.output
    assert choices_of(app, "1998-generic-ballot-us") == ["Democrats", "Republicans"]
    generic = race(app, "1998-generic-ballot-us")
    assert generic["key"] == (1998, "generic-ballot", "US", "general", "", "")
    assert generic["results"] == {"Democrats": ("DEM", 49.53), "Republicans": ("REP", 50.47)}
    assert race(app, "2002-senate-la-runoff")["title"] == "2002 Senate runoff in Louisiana"
    assert race(app, "2002-senate-mo-special")["title"] == "2002 Senate special election in Missouri"
    assert race(app, "2018-senate-ms-special-runoff")["key"] == (
        2018, "senate", "MS", "runoff", "", "special")
    assert race(app, "2000-senate-ga-special-jungle-primary")["key"][3] == "jungle-primary"
    assert race(app, "2004-president-me-02")["title"] == (
        "2004 presidential election in Maine's 2nd district")
    primary = race(app, "2000-president-ia-dem-primary")
    assert primary["key"] == (2000, "president", "IA", "primary", "DEM", "")
    assert primary["title"] == "2000 Democratic presidential primary in Iowa"
    assert choices_of(app, "2000-president-ia-dem-primary") == ["Gore", "Bradley"]
    with app.app_context():
        runoff = db.session.execute(select(Question).where(
            Question.slug == "2002-senate-la-runoff")).scalar_one()
        general_title = runoff.race.title
        assert [(c.name, c.full_name, c.party) for c in runoff.choices] == [
            ("Landrieu", "Mary L. Landrieu", "DEM"), ("Terrell", "Suzanne Haik Terrell", "REP")]
    assert general_title != race(app, "2002-senate-mo-special")["title"]


def test_every_question_gets_a_geography_and_topic_questions_a_subject(app, runner):
    for name in ("fte_president_polls.csv", "fte_approval_biden.csv", "fte_impeachment_polls.csv",
                 "fte_raw_polls.csv"):
        assert import_json(runner, DATA / name)["rejected"] == 0
    with app.app_context():
        questions = db.session.execute(select(Question)).scalars().all()
        assert all(q.geography for q in questions)
        topics = {q.slug: q.subject for q in questions if q.race_id is None}
        horse_races = [q for q in questions if q.race_id is not None]
        assert all(not q.subject for q in horse_races)
    assert topics["biden-approval"] == "Joseph R. Biden Jr. approval"
    assert topics["trump-impeachment-reasons"] == "Impeachment of Donald Trump"


# ------------------------------------------------------------------- poll versions


def test_the_version_rule_prefers_the_stated_population_then_more_answers_then_lower_id():
    race_versions = [("a", 2, "9"), ("rv", 2, "8"), ("lv", 2, "12"), ("lv", 4, "13")]
    assert min(race_versions, key=lambda v: version_rank(*v, is_race=True)) == ("lv", 4, "13")
    topic_versions = [("lv", 2, "1"), ("rv", 2, "2"), ("a", 2, "30"), ("a", 2, "4")]
    assert min(topic_versions, key=lambda v: version_rank(*v, is_race=False)) == ("a", 2, "4")
    assert version_rank("v", 2, "1", True) < version_rank("a", 2, "1", True)
    assert version_rank("zz", 9, "1", True) > version_rank("a", 1, "2", True)


def test_a_re_import_keeps_exactly_one_counted_version_per_poll(app, runner):
    for _ in range(2):
        import_json(runner, DATA / "fte_generic_ballot_polls.csv")
    with app.app_context():
        rows = db.session.execute(select(Question.slug, func.count()).select_from(Question)
                                  .join(Question.polls).where(db.text("poll.counted"))
                                  .group_by(Question.slug)).all()
    polls = stored_polls(app, "2020-generic-ballot-us")
    groups = {poll["version_group"] for poll in polls.values()}
    assert dict(rows)["2020-generic-ballot-us"] == len(groups)


def test_deleting_the_counted_version_counts_another_and_restoring_it_counts_it_again(app, runner):
    import_json(runner, DATA / "fte_generic_ballot_polls.csv")
    polls = stored_polls(app, "2020-generic-ballot-us")
    group = next(g for g in {p["version_group"] for p in polls.values()}
                 if sum(p["version_group"] == g for p in polls.values()) > 1)
    versions = {sid: p for sid, p in polls.items() if p["version_group"] == group}
    counted = next(sid for sid, p in versions.items() if p["counted"])
    with app.app_context():
        delete_poll(versions[counted]["id"], actor="cli")
    after = stored_polls(app, "2020-generic-ballot-us")
    live = [sid for sid in versions if not after[sid]["deleted"]]
    assert sum(after[sid]["counted"] for sid in live) == 1  # the poll stays in the average
    with app.app_context():
        restore_poll(versions[counted]["id"], actor="cli")
    again = stored_polls(app, "2020-generic-ballot-us")
    assert [sid for sid in versions if again[sid]["counted"]] == [counted]


# ---------------------------------------------------------------- pollster identity


def test_pollsters_keep_538s_id_and_every_spelling_as_an_alias(app, runner, tmp_path):
    import_json(runner, DATA / "fte_generic_ballot_polls.csv")
    with app.app_context():
        usc = db.session.execute(select(Pollster).where(Pollster.name == "USC Dornsife")).scalar_one()
        assert usc.fte_pollster_id == 1610
        assert {a.name for a in usc.aliases} == {"USC Dornsife", "USC Dornsife/Los Angeles Times"}
    # a later file that spells it the other way finds the same pollster
    path = tmp_path / "usc.csv"
    path.write_text("question,question_title,pollster,start_date,end_date,population,source_id,"
                    "Yes,No\nusc-test,A test,USC Dornsife/Los Angeles Times,2020-01-01,"
                    "2020-01-02,a,u1,40,50\n", encoding="utf-8")
    assert import_json(runner, path)["added"] == 1
    assert stored_polls(app, "usc-test")["u1"]["pollster"] == "USC Dornsife"


def test_a_pollster_is_found_by_538s_id_before_its_name(app, runner, tmp_path):
    import_json(runner, DATA / "fte_president_polls.csv")
    path = copy_data("fte_president_polls.csv", tmp_path)
    for line in (2, 4):  # the first line of 538 questions 131629 and 131994
        edit_line(path, line, ",Socioanalítica Research,620,", ",Socioanalitica Renamed,620,")
    summary = import_json(runner, path)  # pollster_id 1625 names the same pollster
    assert (summary["added"], summary["updated"]) == (0, 0)
    with app.app_context():
        pollster = db.session.execute(select(Pollster).where(Pollster.fte_pollster_id == 1625)).scalar_one()
        names = set(db.session.execute(select(Pollster.name)).scalars())
        aliases = {a.name for a in pollster.aliases}
    assert pollster.name == "Socioanalítica Research" and "Socioanalitica Renamed" not in names
    assert aliases == {"Socioanalítica Research", "Socioanalitica Renamed"}


# --------------------------------------------------------------------- new readers


def test_impeachment_polls_become_topic_questions_by_category(app, runner):
    summary = import_json(runner, DATA / "fte_impeachment_polls.csv")
    assert summary["format"] == "fte-impeachment" and summary["rejected"] == 0
    assert summary["skipped_reasons"] == {"the same row again (word for word)": 1}
    assert [(w["line"], w["field"]) for w in summary["warnings"]] == [
        (4, "URL"), (5, "Unsure")]  # no scheme; 54 + 28 + 28 = 110 (538's line 388)
    assert choices_of(app, "trump-impeachment-begin-proceedings") == ["Yes", "No", "Unsure"]
    polls = [poll for slug in question_slugs(app) for poll in stored_polls(app, slug).values()]
    assert len(polls) == summary["added"] == 7
    left_out = [poll for poll in polls if not poll["counted"]]  # Include? = no (lines 6, 8, 9)
    assert len(left_out) == 3
    assert all("538 left it out of its average" in poll["notes"] for poll in left_out)
    assert "trump-impeachment-other" in question_slugs(app)  # the row without a category
    assert import_json(runner, DATA / "fte_impeachment_polls.csv")["added"] == 0


def test_an_impeachment_poll_of_adults_and_of_voters_counts_once(app, runner, tmp_path):
    path = copy_data("fte_impeachment_polls.csv", tmp_path)
    lines = path.read_text().splitlines()
    voters = lines[1].replace(",1008,a,", ",900,rv,").replace(",37,59,4,", ",39,58,3,")
    path.write_text("\n".join([*lines, voters]) + "\n")
    import_json(runner, path)
    polls = stored_polls(app, "trump-impeachment-begin-proceedings")
    versions = [p for p in polls.values() if p["start_date"] == "2019-06-28"]
    assert sorted(p["population"] for p in versions) == ["a", "rv"]
    assert len({p["version_group"] for p in versions}) == 1
    assert [p["population"] for p in versions if p["counted"]] == ["a"]  # a topic: adults first
    other = [p for p in polls.values() if p["start_date"] != "2019-06-28" and p["counted"]]
    assert all(p["version_group"] != versions[0]["version_group"] for p in other)


def test_economist_polls_join_their_race_keep_versions_and_skip_subgroups(app, runner):
    import_json(runner, DATA / "fte_raw_polls.csv")  # 2016_Pres-G_US: Clinton, Trump
    summary = import_json(runner, DATA / "economist_all_polls_2016.csv")
    assert summary["format"] == "economist-polls"
    assert summary["skipped_reasons"] == {
        "a partisan subgroup of a poll (only whole samples are imported)": 12}
    national = race(app, "2016-president-us")
    assert national["questions"] == ["2016-president-us"]
    assert choices_of(app, "2016-president-us") == ["Clinton", "Trump"]  # Johnson: NA there
    polls = stored_polls(app, "2016-president-us")
    tipp = {sid: poll for sid, poll in polls.items() if poll["pollster"] == "IBD/TIPP"}
    # registered and likely voters, each asked twice (question.iteration 1 and 2): one poll
    assert len(tipp) == 4 and len({p["version_group"] for p in tipp.values()}) == 1
    [counted] = [sid for sid, poll in tipp.items() if poll["counted"]]
    assert counted.endswith(":--:lv:1")
    assert tipp[counted]["published_on"] == "2016-09-02"
    assert tipp[counted]["results"] == {"Trump": 43.0, "Clinton": 44.0}
    assert choices_of(app, "2016-president-pa") == ["Trump", "Clinton", "Johnson"]
    pennsylvania = stored_polls(app, "2016-president-pa")
    monkey = next(poll for poll in pennsylvania.values() if poll["pollster"] == "SurveyMonkey")
    assert monkey["results"] == {"Trump": 43.0, "Clinton": 46.0, "Johnson": 6.0}
    assert [w["field"] for w in summary["warnings"]] == ["source.url"]


@pytest.mark.parametrize("name, slug, pair", [
    ("economist_all_polls_2008.csv", "2008-president-pa", ["Obama", "McCain"]),
    ("economist_all_polls_2012.csv", "2012-president-pa", ["Obama", "Romney"]),
])
def test_economist_2008_and_2012_files_import_into_their_races(app, runner, name, slug, pair):
    summary = import_json(runner, DATA / name)
    assert (summary["added"], summary["rejected"]) == (3, 0)
    assert choices_of(app, slug) == pair
    assert race(app, slug)["election_date"] in ("2008-11-04", "2012-11-06")
    assert import_json(runner, DATA / name)["added"] == 0  # identified by their fields


# ----------------------------------------------------------------- report, averages


def test_the_report_gives_rows_added_merged_warnings_time_and_peak_memory(app, runner):
    result = run_import(runner, DATA / "fte_president_polls_more.csv")
    assert "  5 rows: 2 added, 0 merged (0 updated, 0 unchanged), 1 warnings; " in result.output
    assert "peak memory " in result.output and " MB" in result.output


def test_recompute_averages_builds_what_no_worker_has_computed_yet(database_templates, tmp_path):
    app = make_app(database_templates.fresh("empty", tmp_path), tmp_path, JOBS_IN_PROCESS=False,
                   JOBS_SQLITE_FILE=str(tmp_path / "jobs.sqlite3"))
    runner, client = app.test_cli_runner(), app.test_client()
    result = run_import(runner, DATA / "fte_generic_ballot_polls.csv", "--no-wait")
    assert result.exit_code == 0, result.output
    with app.app_context():
        waiting = stale_questions()
        assert waiting and set(waiting) == set(db.session.scalars(
            select(Question.id).where(Question.poll_count > 0)))
        assert db.session.execute(select(func.count()).select_from(ComputedSeries)).scalar_one() == 0
    assert "Average not yet computed" in client.get("/topics").get_data(as_text=True) + \
        client.get("/races").get_data(as_text=True)
    result = runner.invoke(args=["recompute-averages"])
    assert result.exit_code == 0
    assert f"recomputed the stored results of {len(waiting)} question" in result.output
    with app.app_context():
        assert stale_questions() == []
    assert "Average not yet computed" not in client.get("/races").get_data(as_text=True)
    response = client.get("/api/v1/questions/2020-generic-ballot-us/trend?method=lowess&realtime=true")
    assert response.status_code == 200 and response.get_json()["choices"]["Democrats"]
    again = runner.invoke(args=["recompute-averages"])
    assert "of 0 question(s)" in again.output


# ---------------------------------------------------------------- the real files


FULL_FILES = [
    "fivethirtyeight-polls-mirror/president_polls.csv",
    "fivethirtyeight-polls-mirror/generic_ballot_polls.csv",
    "fivethirtyeight-polls-mirror/president_approval_polls.csv",
    "fivethirtyeight-thirdparty-copies/dskinnion-Gov1347_Blog/approval_polllist.csv",
    "fivethirtyeight-thirdparty-copies/OGMasonC-My_Website/approval_polllist.csv",
    "fivethirtyeight/pollster-ratings/2023/raw-polls.csv",
    "fivethirtyeight/impeachment-polls/impeachment_polls.csv",
    "economist-us-potus-model/data/all_polls.csv",
    "economist-us-potus-model/data/all_polls_2012.csv",
    "economist-us-potus-model/data/all_polls_2008.csv",
]


@pytest.mark.slow
@pytest.mark.skipif(not SHARED.is_dir(), reason="the real files are in ../shared/data")
def test_every_real_file_imports_into_one_instance_without_skip_invalid(database_templates, tmp_path):
    # the recomputes are queued, and left to workers that this test does not run
    app = make_app(database_templates.fresh("empty", tmp_path), tmp_path, JOBS_IN_PROCESS=False,
                   JOBS_SQLITE_FILE=str(tmp_path / "jobs.sqlite3"))
    runner = app.test_cli_runner()
    for name in FULL_FILES:
        result = run_import(runner, SHARED / name, "--json")
        assert result.exit_code == 0, (name, result.output[-2000:])
        assert json.loads(result.stdout)["rejected"] == 0
    pennsylvania = race(app, "2020-president-pa")
    assert pennsylvania["questions"][0] == "2020-president-pa"
    assert pennsylvania["results"]["Biden"][0] == "DEM"
    assert "2020-pres-g-pa" not in question_slugs(app)
    with app.app_context():
        counted = db.session.execute(select(func.count()).select_from(Question)).scalar_one()
    assert counted > 2000
