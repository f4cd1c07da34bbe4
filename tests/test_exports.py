"""Exports (CLI and HTTP, CSV and JSON): each poll's weight and house adjustment in the
current average, deleted polls left out, and a round trip through an empty database that
gives back the same questions, polls, results, election results and sources."""

from __future__ import annotations

import csv
import io
import json

import pytest
from import_support import DATA, TRUMP_2020, import_json, stored_polls
from sqlalchemy import delete, select

from pollservice.extensions import db
from pollservice.models import AuditEntry, Choice, ComputedSeries, Poll, Pollster, Question, Result
from pollservice.services.polls import delete_poll

FTE_FILES = ("fte_approval_trump_2020-10-31.csv", "fte_president_polls.csv",
             "fte_generic_ballot_polls.csv", "fte_raw_polls.csv")


def export(runner, *options: str) -> str:
    result = runner.invoke(args=["export-polls", *options])
    assert result.exit_code == 0, result.output
    return result.stdout


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def current_average(client, slug: str) -> dict[str, float]:
    document = client.get(f"/api/v1/questions/{slug}/average?method=kalman").get_json()
    return {name: value["estimate"] for name, value in document["choices"].items()}


def assert_weights_make_the_average(polls: list[tuple[dict[str, float], dict]],
                                    average: dict[str, float]) -> None:
    """Per choice the weights add up to 1 (less where the choices' averages were scaled
    down together to a total of 100: by that factor), and sum(weight * (pct - house
    adjustment)) is the current average (weights are exported to 6 digits, adjustments to 4)."""
    for choice, estimate in average.items():
        terms = [(weights[choice]["weight"], results[choice], weights[choice]["house_adjustment"])
                 for results, weights in polls if choice in weights]
        assert 0.95 < sum(w for w, _pct, _adj in terms) < 1 + 1e-4
        assert sum(w * (pct - adj) for w, pct, adj in terms) == pytest.approx(estimate, abs=0.01)
    if sum(average.values()) < 100 - 0.01:  # not capped
        for choice in average:
            assert sum(weights[choice]["weight"] for _results, weights in polls
                       if choice in weights) == pytest.approx(1, abs=1e-4)


def csv_weights(rows: list[dict[str, str]], choices: list[str]) -> list[tuple[dict, dict]]:
    polls = []
    for row in rows:
        results = {c: float(row[c]) for c in choices if row[c]}
        weights = {c: {"weight": float(row[f"weight_kalman:{c}"]),
                       "house_adjustment": float(row[f"house_adjustment_kalman:{c}"])}
                   for c in choices if row[f"weight_kalman:{c}"]}
        polls.append((results, weights))
    return polls


def json_weights(question: dict) -> list[tuple[dict, dict]]:
    return [(poll["results"], poll["weights"]["choices"]) for poll in question["polls"]]


@pytest.fixture
def trump(app, runner):
    assert import_json(runner, TRUMP_2020)["added"] == 27  # 25 polls; 2 have a 2nd version
    return app


# ------------------------------------------------------------------- weights, CLI and HTTP


def test_cli_csv_export_carries_weights_and_house_adjustments(trump, runner, client):
    rows = csv_rows(export(runner, "--question", "trump-approval"))
    assert len(rows) == 25
    assert {"weight_kalman:Approve", "weight_kalman:Disapprove", "house_adjustment_kalman:Approve",
            "house_adjustment_kalman:Disapprove"} <= set(rows[0])
    assert all(row["weight_kalman:Approve"] and row["house_adjustment_kalman:Approve"] for row in rows)
    assert_weights_make_the_average(csv_weights(rows, ["Approve", "Disapprove"]),
                                    current_average(client, "trump-approval"))


def test_cli_json_export_carries_weights_and_house_adjustments(trump, runner, client):
    document = json.loads(export(runner, "--format", "json", "--question", "trump-approval"))
    assert (document["format"], document["version"], document["weights_method"]) == (
        "pollservice-polls", 1, "kalman")
    [question] = document["questions"]
    assert question["slug"] == "trump-approval" and question["choices"] == ["Approve", "Disapprove"]
    assert len(question["polls"]) == 25
    poll = next(p for p in question["polls"] if p["source_id"] == "77599")
    assert poll["source"] == "fivethirtyeight" and poll["results"] == {"Approve": 42.1, "Disapprove": 45.2}
    assert set(poll["weights"]["choices"]["Approve"]) == {"weight", "house_adjustment"}
    assert_weights_make_the_average(json_weights(question), current_average(client, "trump-approval"))


def test_http_csv_export_is_the_cli_export(trump, runner, client):
    response = client.get("/api/v1/questions/trump-approval/polls.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="trump-approval-polls.csv"'
    assert response.get_data(as_text=True) == export(runner, "--question", "trump-approval")
    rows = csv_rows(response.get_data(as_text=True))
    assert_weights_make_the_average(csv_weights(rows, ["Approve", "Disapprove"]),
                                    current_average(client, "trump-approval"))


def test_http_json_export_carries_weights(trump, client):
    response = client.get("/api/v1/questions/trump-approval/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    [question] = response.get_json()["questions"]
    assert len(question["polls"]) == 25
    assert_weights_make_the_average(json_weights(question), current_average(client, "trump-approval"))


def test_exports_of_an_unknown_question_are_404(app, client, runner):
    for url in ("/api/v1/questions/nope/polls.csv", "/api/v1/questions/nope/export.json"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    result = runner.invoke(args=["export-polls", "--format", "json", "--question", "nope"])
    assert result.exit_code == 1 and "nope" in result.output


def test_exports_leave_deleted_polls_out(trump, runner, client):
    polls = stored_polls(trump, "trump-approval")
    groups = [p["version_group"] for p in polls.values()]
    # a poll of one version (deleting a counted version of several counts another instead)
    source_id = next(sid for sid, p in polls.items()
                     if p["counted"] and groups.count(p["version_group"]) == 1)
    with trump.app_context():
        delete_poll(polls[source_id]["id"], "user:editor")
    rows = csv_rows(export(runner))
    assert len(rows) == 24 and source_id not in {row["source_id"] for row in rows}
    [question] = client.get("/api/v1/questions/trump-approval/export.json").get_json()["questions"]
    assert len(question["polls"]) == 24
    assert_weights_make_the_average(json_weights(question), current_average(client, "trump-approval"))


def test_export_to_a_file(trump, runner, tmp_path):
    path = tmp_path / "out.json"
    result = runner.invoke(args=["export-polls", "--format", "json", "--output", str(path)])
    assert result.exit_code == 0 and f"Wrote {path}." in result.output
    assert len(json.loads(path.read_text())["questions"][0]["polls"]) == 25


# ------------------------------------------------------------------------- round trips


def store_contents(app) -> dict[str, dict]:
    """Every question with its choices and its (not deleted) polls, without database ids."""
    with app.app_context():
        contents = {}
        for question in db.session.execute(select(Question)).scalars():
            names = {choice.id: choice.name for choice in question.choices}
            polls = db.session.execute(select(Poll).where(  # an export holds the counted versions
                Poll.question_id == question.id, Poll.deleted_at.is_(None), Poll.counted)).scalars()
            contents[question.slug] = {
                "title": question.title, "region": question.region,
                "choices": [choice.name for choice in question.choices],
                "polls": sorted((
                    poll.source, poll.source_id or "", poll.pollster.name, poll.sponsor,
                    poll.start_date, poll.end_date, poll.sample_size or 0, poll.population,
                    poll.mode, poll.source_url, poll.partisan, poll.internal, poll.notes,
                    poll.election_date or "",
                    tuple(sorted((names[r.choice_id], r.pct, r.actual_pct or -1) for r in poll.results)),
                ) for poll in polls),
            }
        return contents


def empty_the_store(app) -> None:
    with app.app_context():
        for model in (AuditEntry, ComputedSeries, Result, Poll, Choice, Question, Pollster):
            db.session.execute(delete(model))
        db.session.commit()


@pytest.fixture
def fte_store(app, runner):
    """Every kind of 538 file imported: approval, races, generic ballot, election results."""
    for name in FTE_FILES:
        assert import_json(runner, DATA / name)["added"] > 0
    contents = store_contents(app)
    assert len(contents) == 11  # raw-polls' 2020 PA polls join the polls page's race question
    return contents


# The round trips compare what is stored, not averages: the recomputes of four 538 files
# (imported three times) would only cost time.
@pytest.mark.jobs_run(False)
@pytest.mark.parametrize("fmt, name", [("csv", "export.csv"), ("json", "export.json")])
def test_export_then_import_into_an_empty_database_gives_the_same_store(
        app, runner, tmp_path, fte_store, fmt, name):
    path = tmp_path / name
    path.write_text(export(runner, "--format", fmt), encoding="utf-8")
    empty_the_store(app)
    assert store_contents(app) == {}
    summary = import_json(runner, path)
    assert summary["format"] == ("canonical" if fmt == "csv" else "canonical-json")
    assert summary["added"] == sum(len(q["polls"]) for q in fte_store.values())
    restored = store_contents(app)
    assert {slug: q["choices"] for slug, q in restored.items()} == {
        slug: q["choices"] for slug, q in fte_store.items()}
    assert restored == fte_store
    # The polls carry their sources: the 538 files themselves add back only the versions
    # an export leaves out (the canonical formats have no columns for versions, tracking
    # or the publication day yet, so those are what the 538 files update).
    for file_name in FTE_FILES:
        again = import_json(runner, DATA / file_name)
        assert again["rejected"] == 0 and not again["problems"], file_name
    assert store_contents(app) == fte_store


@pytest.mark.jobs_run(False)
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_importing_an_export_over_its_own_store_changes_nothing(app, runner, tmp_path, fte_store, fmt):
    path = tmp_path / f"export.{fmt}"
    path.write_text(export(runner, "--format", fmt), encoding="utf-8")
    summary = import_json(runner, path)
    assert (summary["added"], summary["updated"], summary["rejected"]) == (0, 0, 0)
    assert summary["unchanged"] == sum(len(q["polls"]) for q in fte_store.values())


def test_csv_choice_columns_keep_every_questions_order_where_the_orders_agree():
    from pollservice.services.imports.formats.canonical_csv import choice_column_order

    assert choice_column_order([["Approve", "Disapprove"], ["Hillary Rodham Clinton", "Donald Trump"],
                                ["Joe Biden", "Donald Trump"]]) == [
        "Approve", "Disapprove", "Hillary Rodham Clinton", "Joe Biden", "Donald Trump"]
    assert choice_column_order([["A", "B"], ["C", "B"], ["C", "A"]]) == ["C", "A", "B"]
    # Two questions that disagree: the earliest-listed choice goes first.
    assert choice_column_order([["Trump", "Biden"], ["Biden", "Trump", "Other"]]) == [
        "Trump", "Biden", "Other"]


# --------------------------------------------------------------- CSV formula injection

FORMULA_TEXTS = {  # a text field per trigger OWASP names: = + - @ (tab and CR: see below)
    "pollster": "=HYPERLINK(\"http://evil.example\",\"Click\")",
    "sponsor": "+cmd|' /C calc'!A0",
    "mode": "-2+3",
    "notes": "@SUM(1+1)*cmd|' /C calc'!A0",
    "source": "'=already quoted",  # read as "=already quoted", like an export's cell
}
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def formula_csv(tmp_path):
    path = tmp_path / "formulas.csv"
    header = ["question", "question_title", "pollster", "sponsor", "start_date", "end_date",
              "population", "mode", "notes", "source", "source_id", "Approve", "=Disapprove"]
    rows = [["injection", "=1+1 title", FORMULA_TEXTS["pollster"], FORMULA_TEXTS["sponsor"],
             "2020-01-01", "2020-01-03", "rv", FORMULA_TEXTS["mode"],
             FORMULA_TEXTS["notes"] + "\tand a tab", FORMULA_TEXTS["source"], "-17", "45.5", "50"],
            ["injection", "", "Plain Pollster", "", "2020-01-05", "2020-01-07", "lv", "online",
             "'just a quote", "file", "2", "44", "51"]]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def assert_no_formula_cells(text: str) -> None:
    """No cell of the export (header included) starts with a trigger, except numbers."""
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell.startswith(TRIGGERS):
                float(cell)  # a negative number (a house adjustment) is fine; text is not


def test_csv_exports_neutralise_formula_cells_and_round_trip(app, runner, client, tmp_path):
    summary = import_json(runner, formula_csv(tmp_path))
    assert summary["added"] == 2, summary
    before = store_contents(app)
    assert before["injection"]["title"] == "=1+1 title"
    assert before["injection"]["choices"] == ["Approve", "=Disapprove"]
    cli_text = export(runner, "--question", "injection")
    http_text = client.get("/api/v1/questions/injection/polls.csv").get_data(as_text=True)
    for text in (cli_text, http_text):
        assert_no_formula_cells(text)
    row = next(row for row in csv_rows(cli_text) if row["source_id"] == "'-17")
    assert row["source"] == "'=already quoted"  # the import read the file's quote off
    assert row["pollster"] == "'" + FORMULA_TEXTS["pollster"]
    assert row["source_id"] == "'-17"
    assert "'=Disapprove" in row and row["'=Disapprove"] == "50"
    for column in ("start_date", "Approve", "weight_kalman:Approve", "house_adjustment_kalman:Approve"):
        assert not row[column].startswith("'")  # numbers and dates are written as they are
        float(row[column].replace("-", ""))
    path = tmp_path / "export.csv"
    path.write_text(cli_text, encoding="utf-8")
    empty_the_store(app)
    assert import_json(runner, path)["added"] == 2
    assert store_contents(app) == before


def test_formula_quoting_round_trips_every_text():
    from pollservice.services.imports.formats.canonical_csv import quote_text, unquote_text

    texts = ["=1+1", "+1", "-x", "@a", "\tx", "\rx", "'=x", "''x", "'", "''", "'s-Hertogenbosch",
             "plain", "", None, "a=b"]
    for text in texts:
        quoted = quote_text(text)
        assert unquote_text(quoted) == text
        assert not (quoted or "").startswith(TRIGGERS)
    assert quote_text("'s-Hertogenbosch") == "'s-Hertogenbosch"
    assert quote_text("'=x") == "''=x"
