"""Migrations build the schema (the app never calls create_all) and match the models."""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from conftest import ON_POSTGRES, TEST_DATABASE_URL, make_app, reset_postgres
from pollservice.extensions import db, include_in_autogenerate

TABLES = {"pollster", "question", "choice", "poll", "result", "user_account"}


def fresh_app(tmp_path):
    if ON_POSTGRES:
        reset_postgres(TEST_DATABASE_URL)
        return make_app(TEST_DATABASE_URL, tmp_path)
    return make_app("sqlite:///" + str(tmp_path / "migrations.sqlite3"), tmp_path)


def test_upgrade_from_empty_to_head_and_downgrade_to_base(tmp_path):
    app = fresh_app(tmp_path)
    try:
        with app.app_context():
            upgrade()
            tables = set(sa.inspect(db.engine).get_table_names())
            assert TABLES <= tables
            downgrade(revision="base")
            assert not TABLES & set(sa.inspect(db.engine).get_table_names())
            upgrade()
    finally:
        with app.app_context():
            db.engine.dispose()


def test_models_and_migrations_do_not_drift(tmp_path):
    app = fresh_app(tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True,
                                  "include_object": include_in_autogenerate})
            diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_the_app_does_not_create_tables_by_itself(tmp_path):
    app = make_app("sqlite:///" + str(tmp_path / "untouched.sqlite3"), tmp_path)
    with app.app_context():
        # a request that needs no table (the methodology page lists excluded pollsters)
        response = app.test_client().get("/favicon.ico")
        assert response.status_code == 200
        response.close()
        assert sa.inspect(db.engine).get_table_names() == []
        db.engine.dispose()


def test_accounts_and_tokens_made_before_roles_stay_admins_and_write_tokens(tmp_path):
    app = fresh_app(tmp_path)
    try:
        with app.app_context():
            upgrade(revision="0006")
            with db.engine.begin() as connection:
                connection.execute(sa.text(
                    "INSERT INTO user_account (username, password_hash, created_at) "
                    "VALUES ('old-admin', 'x', CURRENT_TIMESTAMP)"))
                connection.execute(sa.text(
                    "INSERT INTO api_token (name, token_hash, created_at) "
                    "VALUES ('old-token', 'h', CURRENT_TIMESTAMP)"))
            upgrade()
            with db.engine.connect() as connection:
                user = connection.execute(sa.text(
                    "SELECT role, session_epoch, disabled_at FROM user_account")).one()
                token = connection.execute(sa.text(
                    "SELECT scope, user_id, question_ids, race_ids FROM api_token")).one()
                connection.execute(sa.text("DELETE FROM api_token"))
                connection.execute(sa.text("DELETE FROM user_account"))
                connection.commit()
    finally:
        with app.app_context():
            db.engine.dispose()
    assert tuple(user) == ("admin", 1, None)
    assert token[0] == "write" and token[1] is None
    assert [json_list(token[2]), json_list(token[3])] == [[], []]


def json_list(value):
    return json.loads(value) if isinstance(value, str) else value


def test_questions_races_and_polls_stored_before_review_stay_published(tmp_path):
    app = fresh_app(tmp_path)
    try:
        with app.app_context():
            upgrade(revision="0008")
            with db.engine.begin() as connection:
                connection.execute(sa.text(
                    "INSERT INTO race (slug, cycle, office, geography, stage, party, seat, title, "
                    "result_source) "
                    "VALUES ('r', 2024, 'president', 'US', 'general', '', '', 'R', '')"))
                connection.execute(sa.text(
                    "INSERT INTO question (slug, title, description, region, created_at) "
                    "VALUES ('q', 'Q', '', '', CURRENT_TIMESTAMP)"))
                connection.execute(sa.text("INSERT INTO pollster (slug, name) VALUES ('p', 'P')"))
                connection.execute(sa.text(
                    "INSERT INTO poll (question_id, pollster_id, sponsor, start_date, end_date, population, "
                    "mode, source_url, partisan, internal, notes, source, created_at) "
                    "SELECT question.id, pollster.id, '', '2024-01-01', '2024-01-02', 'lv', '', '', false, "
                    "false, '', 'seed', CURRENT_TIMESTAMP FROM question, pollster"))
            upgrade()
            with db.engine.begin() as connection:
                states = [connection.execute(sa.text(query)).one() for query in (
                    "SELECT status FROM race", "SELECT status FROM question",
                    "SELECT review_status, held_reason, review_note FROM poll")]
                for table in ("poll", "pollster", "question", "race"):
                    connection.execute(sa.text(f"DELETE FROM {table}"))
    finally:
        with app.app_context():
            db.engine.dispose()
    assert [tuple(row) for row in states] == [("published",), ("published",), ("published", "", "")]
