"""A database behind the migrations: a 500 that says so in the log (never "try again"), and /readyz says 503.

The schema is changed inside the test's transaction (both databases roll DDL
back), so nothing outlives the test.
"""
import pytest
import sqlalchemy as sa
import sqlalchemy.exc

import crm.schema_version
from crm.schema_version import migration_heads


@pytest.fixture
def schema(_transaction):
    """schema(sql): change the schema for this test only."""
    return lambda sql: _transaction.execute(sa.text(sql))


def schema_log_lines(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records
            if record.levelname == "ERROR" and "database schema is not at the migration head" in record.getMessage()]


def test_a_missing_table_is_a_500_with_a_log_line_that_says_what_to_run(client, login, schema, caplog):
    login("coordinator")
    schema("DROP TABLE api_tokens")  # what a placeholder-era database looked like
    with caplog.at_level("ERROR", logger="crm"):
        response = client.get("/account/api-tokens")
    assert response.status_code == 500
    assert "database update" in response.text and "Please try again" not in response.text
    [line] = schema_log_lines(caplog)
    assert "api_tokens" in line and "run `flask db upgrade`" in line and "migrations head" in line


def test_a_missing_column_is_a_500_too(client, login, schema, caplog):
    login("coordinator")
    schema("ALTER TABLE import_jobs RENAME COLUMN filename TO filename_gone")
    with caplog.at_level("ERROR", logger="crm"):
        response = client.get("/import/")
    assert response.status_code == 500 and "Please try again" not in response.text
    [line] = schema_log_lines(caplog)
    assert "filename" in line and "run `flask db upgrade`" in line


def test_a_database_that_does_not_answer_still_gets_the_try_again_page(client, login, monkeypatch, caplog):
    login("viewer")

    def locked(*args, **kwargs):
        raise sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr("crm.dashboard.views.portfolio_snapshot", locked)
    with caplog.at_level("WARNING", logger="crm"):
        response = client.get("/dashboard")
    assert response.status_code == 503 and "try again" in response.text
    assert schema_log_lines(caplog) == []


def test_another_programming_error_is_not_taken_for_a_schema_error(client, login, monkeypatch):
    login("viewer")

    def bug(*args, **kwargs):
        raise sqlalchemy.exc.ProgrammingError("SELECT", {}, Exception("syntax error at or near"))

    monkeypatch.setattr("crm.dashboard.views.portfolio_snapshot", bug)
    with pytest.raises(sqlalchemy.exc.ProgrammingError):  # TESTING propagates it; in production, the usual 500
        client.get("/dashboard")


def test_readiness_is_ok_at_the_migration_head(client, count_queries):
    client.get("/readyz")  # the scripts' head is read once per process
    with count_queries() as counted:
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "up", "migrations": "at head"}
    assert counted.count == 1  # SELECT version_num FROM alembic_version


def test_readiness_is_503_while_the_database_is_behind_the_migrations(client, schema, caplog):
    schema("UPDATE alembic_version SET version_num = 'a8b6e5d4c3f7'")
    with caplog.at_level("WARNING", logger="crm"):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "up", "migrations": "not at head"}
    [line] = [r.getMessage() for r in caplog.records if "readiness check" in r.getMessage()]
    assert "database at a8b6e5d4c3f7" in line and "run `flask db upgrade`" in line


def test_readiness_is_503_on_a_database_never_migrated(client, schema):
    schema("DROP TABLE alembic_version")
    response = client.get("/readyz")
    assert response.status_code == 503 and response.get_json()["migrations"] == "not at head"


def test_the_migration_head_is_read_from_the_scripts_once_per_process(app, client, monkeypatch):
    reads = []
    real = crm.schema_version.ScriptDirectory

    def counted(directory):
        reads.append(directory)
        return real(directory)

    crm.schema_version._heads.cache_clear()
    monkeypatch.setattr(crm.schema_version, "ScriptDirectory", counted)
    try:
        for _ in range(3):
            assert client.get("/readyz").status_code == 200
        with app.app_context():
            assert migration_heads() == {real(app.extensions["migrate"].directory).get_current_head()}
    finally:
        crm.schema_version._heads.cache_clear()
    assert len(reads) == 1
