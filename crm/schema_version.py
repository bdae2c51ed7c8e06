"""Whether the database is at the migration head, and telling a schema error from an outage."""
import re
import sqlite3
from functools import lru_cache

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app

from crm.extensions import db

# PostgreSQL's SQLSTATE for undefined_table and undefined_column.
POSTGRES_SCHEMA_ERRORS = {"42P01", "42703"}
SQLITE_SCHEMA_ERRORS = re.compile(r"no such (table|column): |table \S+ has no column named ")


def is_schema_error(error: sa.exc.DBAPIError) -> bool:
    """A table or column the code uses is missing: migrations not applied, not the database being down."""
    original = getattr(error, "orig", None)
    if getattr(original, "sqlstate", None) in POSTGRES_SCHEMA_ERRORS:
        return True
    return isinstance(original, sqlite3.OperationalError) and SQLITE_SCHEMA_ERRORS.match(str(original)) is not None


@lru_cache(maxsize=4)
def _heads(directory: str) -> frozenset[str]:
    # Reading the scripts imports every revision file: once per process.
    return frozenset(ScriptDirectory(directory).get_heads())


def migration_heads() -> frozenset[str]:
    """The head revision(s) of the migrations this code ships with."""
    return _heads(current_app.extensions["migrate"].directory)


def database_revisions() -> frozenset[str]:
    """The revision(s) the database says it is at; raises if it has no alembic_version table."""
    return frozenset(db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())


def describe_revisions(revisions: frozenset[str] | None = None) -> str:
    """'database at X, migrations head Y', for a log line (reads the database's unless given); never raises."""
    if revisions is None:
        try:
            revisions = database_revisions()
        except sa.exc.SQLAlchemyError:
            db.session.rollback()
    at = "no alembic_version table" if revisions is None else ", ".join(sorted(revisions)) or "no revision"
    return f"database at {at}, migrations head {', '.join(sorted(migration_heads()))}"
