"""Migrations build the schema (the app never calls create_all) and match the models."""

from __future__ import annotations

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
        assert app.test_client().get("/methodology").status_code == 200
        assert sa.inspect(db.engine).get_table_names() == []
        db.engine.dispose()
