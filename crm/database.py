"""Declarative base, column types and connection settings shared by every model."""
import enum
import sqlite3
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from werkzeug.routing import IntegerConverter

from crm.clock import utcnow  # noqa: F401  (the default of every timestamp; imported from here by models)

#: the largest id an INTEGER primary key holds on every database we run on
MAX_ID = 2**31 - 1

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)




class UTCDateTime(sa.TypeDecorator):
    """A moment in time: stored as UTC, always returned timezone-aware.

    SQLite has no time zone support, so a plain DateTime(timezone=True) would
    hand back naive values there and aware ones on PostgreSQL.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a moment in UTC is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_type(enum_cls: type[enum.Enum]) -> sa.Enum:
    # Stored as plain strings (no native enum, no CHECK) so that adding a
    # value later needs no migration on PostgreSQL.
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions
    # begin, so savepoints (used by the tests) behave as documented.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
    # SQLite's lower() folds ASCII only; the text matcher compares through this one (Киев ~ КИЕВ, Malmö ~ malmo).
    from crm.matching import fold

    dbapi_connection.create_function("crm_fold", 1, fold, deterministic=True)


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")


def like_escape(text: str) -> str:
    """Text for a LIKE pattern with its wildcards taken literally (pass escape='\\' to like())."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def render_migration_type(kind, obj, autogen_context):
    """Alembic hook: write our column types as plain SQLAlchemy ones, so
    migrations never import application code."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


class IdConverter(IntegerConverter):
    """<int:…> in routes, bounded to what an id column can hold, so a huge
    number in a URL is a 404 rather than a database error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
