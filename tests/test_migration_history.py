"""Migrations that can be trusted: every database ever upgraded on main ends at the schema of a fresh one.

A database may be at any revision that was ever published on main, including
the placeholder era (commit c52d967 published d5e3b2f1a0c4, e6f4c3a2b1d5 and
f7a5d4c3b2e6 empty, b5a3a09 stacked a8b6e5d4c3f7 on them, e6bd1f1 filled them
in). tests/data/published_migrations holds those files as published; a database
built with them is then upgraded with the real migrations/ directory.

Each test works in a scratch database of its own (a SQLite file, or on
PostgreSQL <test database>_<name>_test, created and dropped by the test); the
shared test database is never touched. Both databases roll DDL back, so one
database climbs the history and each start point is checked in a savepoint.
"""
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy.pool import NullPool

from crm import create_app
from crm.extensions import db as flask_db
from tests.conftest import postgres_url

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "migrations"
PUBLISHED = Path(__file__).resolve().parent / "data" / "published_migrations"


@pytest.fixture
def scratch_database(app, tmp_path):
    """make(name) -> the URL of a new, empty database: a file, or <test database>_<name>_test on the server."""
    if app.config["DB_LANE"] == "sqlite":
        yield lambda name: f"sqlite:///{tmp_path / name}.sqlite3"
        return
    server = sa.make_url(postgres_url())
    stem = re.sub(r"_test$", "", server.database)[:30]
    admin = psycopg.connect(host=server.host or "localhost", port=server.port or 5432, user=server.username,
                            password=server.password, dbname="postgres", autocommit=True)
    created = []

    def make(name: str) -> str:
        database = f"{stem}_{name}_test"
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')  # left by an interrupted run
        admin.execute(f'CREATE DATABASE "{database}"')
        created.append(database)
        return server.set(database=database).render_as_string(hide_password=False)

    yield make
    for database in created:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    admin.close()


@contextmanager
def app_on(url: str):
    """An application context whose database is `url` (migrations/env.py reads the app's engine)."""
    application = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": url,
                              "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": NullPool}})
    with application.app_context():
        try:
            yield flask_db.engine
        finally:
            flask_db.engine.dispose()


def migrate(connection, directory: Path, revision: str = "head", run=command.upgrade):
    """`flask db upgrade <revision>` with `directory`, on `connection`, inside the caller's transaction."""
    config = Config(str(directory / "alembic.ini"))
    config.set_main_option("script_location", str(directory))
    config.attributes["connection"] = connection
    run(config, revision)


@pytest.fixture
def historic_migrations(tmp_path):
    """migrations/ with the revision files as they were published before being filled in."""
    directory = tmp_path / "published_migrations"
    shutil.copytree(MIGRATIONS, directory, ignore=shutil.ignore_patterns("__pycache__"))
    for published in PUBLISHED.glob("*.py"):
        shutil.copyfile(published, directory / "versions" / published.name)
    return directory


def revisions_in_order(directory: Path) -> list[str]:
    """Every revision of a script directory, oldest first."""
    return [revision.revision for revision in reversed(list(ScriptDirectory(str(directory)).walk_revisions()))]


def normalised(sql) -> str | None:
    if sql is None:
        return None
    return re.sub(r"\s+", " ", str(sql).replace('"', "")).strip().lower()


def schema_of(connection) -> dict:
    """Tables, columns (type, nullability, default), keys, indexes and checks, comparable across databases."""
    inspector = sa.inspect(connection)
    postgresql = connection.dialect.name == "postgresql"
    tables = sorted(set(inspector.get_table_names()) - {"alembic_version"})
    # One query per kind of thing for all tables (the PostgreSQL dialect reflects them in bulk).
    columns, primary_keys, uniques, foreign_keys, checks = (
        {table: found for (_schema, table), found in reflect(filter_names=tables).items()}
        for reflect in (inspector.get_multi_columns, inspector.get_multi_pk_constraint,
                        inspector.get_multi_unique_constraints, inspector.get_multi_foreign_keys,
                        inspector.get_multi_check_constraints))
    if postgresql:  # pg_get_indexdef: method, operator classes, INCLUDE and WHERE, exactly
        rows = connection.execute(sa.text("SELECT tablename, indexname, indexdef FROM pg_indexes "
                                          "WHERE schemaname = current_schema()"))
    else:  # SQLAlchemy cannot reflect SQLite's indexes on expressions: read their SQL
        rows = connection.execute(sa.text("SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index'"))
    indexes = {}
    for table, name, sql in rows:
        indexes.setdefault(table, []).append((name, normalised(sql)))
    schema = {
        table: {
            "columns": [(c["name"], c["type"].compile(dialect=connection.dialect), c["nullable"],
                         normalised(c.get("default"))) for c in columns[table]],
            "primary key": (primary_keys[table].get("name"), tuple(primary_keys[table]["constrained_columns"])),
            "indexes": sorted(indexes.get(table, [])),
            "unique constraints": sorted((u["name"], tuple(u["column_names"])) for u in uniques[table]),
            "foreign keys": sorted((fk["name"], tuple(fk["constrained_columns"]), fk["referred_table"],
                                    tuple(fk["referred_columns"]), tuple(sorted(fk["options"].items())))
                                   for fk in foreign_keys[table]),
            "check constraints": sorted((c["name"], normalised(c["sqltext"])) for c in checks[table]),
        }
        for table in tables
    }
    if postgresql:
        schema["(extensions)"] = sorted(connection.execute(sa.text("SELECT extname FROM pg_extension")).scalars())
    return schema


def differences(expected: dict, actual: dict) -> list[str]:
    found = []
    for table in sorted(set(expected) | set(actual)):
        if table not in actual:
            found.append(f"{table}: missing")
        elif table not in expected:
            found.append(f"{table}: not in a fresh database")
        elif isinstance(expected[table], dict):
            for part, value in expected[table].items():
                if actual[table][part] != value:
                    found.append(f"{table} {part}: {actual[table][part]!r}, a fresh database has {value!r}")
        elif expected[table] != actual[table]:
            found.append(f"{table}: {actual[table]!r}, a fresh database has {expected[table]!r}")
    return found


def revision_of(connection) -> list[str]:
    return list(connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())


@contextmanager
def rolled_back(connection):
    """What happens inside is undone afterwards (DDL included: both databases roll it back)."""
    savepoint = connection.begin_nested()
    try:
        yield
    finally:
        savepoint.rollback()


def test_the_published_placeholders_are_kept_as_published():
    """The test data is what main published at b5a3a09: empty upgrades, stacked under a8b6e5d4c3f7."""
    files = sorted(path.name for path in PUBLISHED.glob("*.py"))
    assert files == ["a8b6e5d4c3f7_home_city_thresholds.py", "d5e3b2f1a0c4_imports.py",
                     "e6f4c3a2b1d5_search_indexes.py", "f7a5d4c3b2e6_api_tokens.py"]
    for name in files[1:]:
        assert re.search(r"def upgrade\(\):\s+pass\b", (PUBLISHED / name).read_text()), name


def test_a_database_from_every_published_revision_upgrades_to_the_schema_of_a_fresh_one(
        scratch_database, historic_migrations):
    """One database climbs the history a revision at a time; from each, a savepoint upgrades it to head.

    Both databases roll DDL back, so every start point is the schema those revisions
    built, without a copy of the database for each.
    """
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    real = revisions_in_order(MIGRATIONS)
    published = [r for r in revisions_in_order(historic_migrations) if any(PUBLISHED.glob(f"{r}_*.py"))]
    below_placeholders = ScriptDirectory(str(historic_migrations)).get_revision(published[0]).down_revision
    failures, checked = {}, []

    def check_from(connection, label, then_downgrade=False):
        with rolled_back(connection):
            migrate(connection, MIGRATIONS)
            found = differences(fresh, schema_of(connection))
            if revision_of(connection) != [head]:
                found.append(f"at {revision_of(connection)}, not at {head}")
            if then_downgrade:  # through the repair, whose tables the earlier revisions drop
                migrate(connection, MIGRATIONS, "base", run=command.downgrade)
                assert set(sa.inspect(connection).get_table_names()) <= {"alembic_version"}
        checked.append(label)
        if found:
            failures[label] = found

    with app_on(scratch_database("history")) as engine, engine.connect() as connection, connection.begin():
        with rolled_back(connection):
            migrate(connection, MIGRATIONS)
            fresh = schema_of(connection)
        assert {"api_tokens", "import_jobs"} <= set(fresh)
        for revision in real[:-1]:
            migrate(connection, MIGRATIONS, revision)
            check_from(connection, revision)
            if revision != below_placeholders:
                continue
            with rolled_back(connection):  # the placeholder era, as published at b5a3a09
                for placeholder_era in published:
                    migrate(connection, historic_migrations, placeholder_era)
                    check_from(connection, f"{placeholder_era} as published at b5a3a09",
                               then_downgrade=placeholder_era == published[-1])
                # the state the repair is for: past them, without what they create
                assert not {"api_tokens", "import_jobs"} & set(schema_of(connection))
    assert failures == {}
    assert real[0] in checked and "a8b6e5d4c3f7" in checked and len(checked) == len(real) - 1 + len(published)


def test_downgrade_to_base_and_upgrade_again(scratch_database):
    """`flask db downgrade base` then `flask db upgrade`, as a user runs them (each command commits)."""
    with app_on(scratch_database("round_trip")) as engine:
        upgrade(directory=str(MIGRATIONS))
        with engine.connect() as connection:
            fresh = schema_of(connection)
        downgrade(directory=str(MIGRATIONS), revision="base")
        with engine.connect() as connection:
            assert set(sa.inspect(connection).get_table_names()) <= {"alembic_version"}
            assert revision_of(connection) == []
        upgrade(directory=str(MIGRATIONS))
        with engine.connect() as connection:
            assert differences(fresh, schema_of(connection)) == []
