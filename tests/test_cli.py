"""CLI commands: create-admin, load-demo, import-polls, export-polls."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from conftest import make_app
from pollservice.extensions import db
from pollservice.models import Poll, Result, User

# What is stored, not averages: recomputes wait for a worker (conftest's app).
pytestmark = pytest.mark.jobs_run(False)


def count(app, model) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(model.id))).scalar_one()


def test_create_admin_takes_the_password_from_the_environment_and_stores_a_hash(app, runner, monkeypatch):
    monkeypatch.setenv("POLLSERVICE_ADMIN_PASSWORD", "s3cret-enough")
    result = runner.invoke(args=["create-admin", "alice"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        assert user.username == "alice"
        assert "s3cret-enough" not in user.password_hash
        assert user.password_hash.startswith("scrypt:")


def test_create_admin_prompts_for_the_password(app, runner, monkeypatch):
    monkeypatch.delenv("POLLSERVICE_ADMIN_PASSWORD", raising=False)
    result = runner.invoke(args=["create-admin", "bob"], input="long-password\nlong-password\n")
    assert result.exit_code == 0, result.output
    assert count(app, User) == 1


def test_create_admin_refuses_a_short_password_and_a_duplicate_name(app, runner, monkeypatch):
    monkeypatch.setenv("POLLSERVICE_ADMIN_PASSWORD", "short")
    result = runner.invoke(args=["create-admin", "carol"])
    assert result.exit_code == 1 and "password" in result.output
    monkeypatch.setenv("POLLSERVICE_ADMIN_PASSWORD", "long-enough-pw")
    assert runner.invoke(args=["create-admin", "carol"]).exit_code == 0
    again = runner.invoke(args=["create-admin", "carol"])
    assert again.exit_code == 1 and "exists" in again.output


@pytest.fixture
def queue_app(database_templates, tmp_path):
    """An app whose recomputes are queued for workers this test does not run: loading the
    whole demo then costs the import only."""
    return make_app(database_templates.fresh("empty", tmp_path), tmp_path, JOBS_IN_PROCESS=False,
                    JOBS_SQLITE_FILE=str(tmp_path / "jobs.sqlite3"))


def test_load_demo_twice_adds_nothing_the_second_time(queue_app):
    app, runner = queue_app, queue_app.test_cli_runner()
    first = runner.invoke(args=["load-demo"])
    assert first.exit_code == 0, first.output
    polls = count(app, Poll)
    assert polls > 300
    second = runner.invoke(args=["load-demo"])
    lines = re.findall(r"added (\d+), updated (\d+), unchanged (\d+)", second.output)
    assert len(lines) == 3  # the canonical sets, then the election polls and their results
    assert all(added == "0" and updated == "0" for added, updated, _ in lines), second.output
    assert count(app, Poll) == polls


def test_load_demo_if_empty_skips_a_database_with_questions(queue_app):
    runner = queue_app.test_cli_runner()
    runner.invoke(args=["load-demo"])
    result = runner.invoke(args=["load-demo", "--if-empty"])
    assert "not loaded" in result.output


def test_seed_keeps_unknown_sample_size_unknown_and_the_report_in_notes(demo_app):
    with demo_app.app_context():
        polls = db.session.execute(select(Poll).where(Poll.source == "seed")).scalars().all()
        unnamed = [p for p in polls if p.source_id == "late-march-2017-report"][0]
        assert unnamed.sample_size is None
        assert "32 percent" in unnamed.notes
        reuters = [p for p in polls if p.pollster.name == "Reuters/Ipsos"][0]
        assert "One in every three" in reuters.notes


@pytest.mark.jobs_run(True)  # reads what the recompute stores
def test_export_then_import_into_an_empty_database_round_trips(demo_app, runner, tmp_path, database_url):
    exported = runner.invoke(args=["export-polls"])
    assert exported.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(exported.output)))
    assert len(rows) == count(demo_app, Poll)
    path = tmp_path / "export.csv"
    path.write_text(exported.output)
    # Empty the store, then import the export.
    with demo_app.app_context():
        db.session.execute(Result.__table__.delete())
        db.session.execute(Poll.__table__.delete())
        from pollservice.models import Choice, Pollster, Question

        db.session.execute(Choice.__table__.delete())
        db.session.execute(Question.__table__.delete())
        db.session.execute(Pollster.__table__.delete())
        db.session.commit()
    imported = runner.invoke(args=["import-polls", str(path)])
    assert imported.exit_code == 0, imported.output
    assert f"added {len(rows)}" in imported.output
    again = runner.invoke(args=["export-polls"])
    assert sorted(again.output.splitlines()) == sorted(exported.output.splitlines())


def test_export_one_question(demo_app, runner):
    result = runner.invoke(args=["export-polls", "--question", "calexit"])
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {row["question"] for row in rows} == {"calexit"}
    assert len(rows) == 3
    assert "Support" in rows[0] and "Approve" not in rows[0]
    missing = runner.invoke(args=["export-polls", "--question", "nope"])
    assert missing.exit_code == 1 and "nope" in missing.output


HEADER = "question,pollster,start_date,end_date,sample_size,population,Support,Oppose\n"


def test_import_reports_file_line_and_field_and_writes_nothing(demo_app, runner, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + "calexit,Good Pollster,2017-05-01,2017-05-03,800,a,30,60\n"
        + "calexit,Bad Pollster,2017-05-01,2017-05-03,800,a,130,60\n"
        + "calexit,Late Pollster,2017-05-09,2017-05-03,800,a,30,60\n"
    )
    before = count(demo_app, Poll)
    result = runner.invoke(args=["import-polls", str(path)])
    assert result.exit_code == 1
    assert f"{path}:3: results.Support: must be between 0 and 100" in result.output
    assert f"{path}:4: end_date: must be on or after the start date" in result.output
    assert "nothing was imported" in result.output
    assert count(demo_app, Poll) == before


def test_import_rejects_a_file_without_a_required_column(demo_app, runner, tmp_path):
    path = tmp_path / "nocolumn.csv"
    path.write_text("question,pollster,start_date,population,Support\ncalexit,X,2017-05-01,a,30\n")
    result = runner.invoke(args=["import-polls", str(path)])
    assert result.exit_code == 1
    assert f"{path}:1: end_date: required column is missing" in result.output


def test_import_of_an_unknown_question_without_title_names_the_question(demo_app, runner, tmp_path):
    path = tmp_path / "unknown.csv"
    path.write_text(HEADER + "texit,X,2017-05-01,2017-05-02,,a,30,60\n")
    result = runner.invoke(args=["import-polls", str(path)])
    assert result.exit_code == 1 and "texit" in result.output


def test_import_twice_adds_nothing_and_a_changed_row_updates(demo_app, runner, tmp_path):
    path = tmp_path / "good.csv"
    path.write_text(HEADER + "calexit,Good Pollster,2017-05-01,2017-05-03,800,a,30,60\n")
    first = runner.invoke(args=["import-polls", str(path), "--json"])
    assert '"added": 1' in first.output
    second = runner.invoke(args=["import-polls", str(path), "--json"])
    assert '"added": 0' in second.output and '"unchanged": 1' in second.output
    path.write_text(HEADER + "calexit,Good Pollster,2017-05-01,2017-05-03,800,a,31,59\n")
    third = runner.invoke(args=["import-polls", str(path), "--json"])
    assert '"updated": 1' in third.output
