import logging
import re
import sqlite3
from contextlib import contextmanager
from logging.config import fileConfig

from flask import current_app
from sqlalchemy import event

from alembic import context

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
# keep the application's loggers working when migrations run inside it (tests, upgrades)
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger('alembic.env')


def get_engine():
    return current_app.extensions['migrate'].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace(
            '%', '%%')
    except AttributeError:
        return str(get_engine().url).replace('%', '%%')


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


SQLITE_DROP_TABLE = re.compile(r'\s*DROP TABLE "?(\w+)"?\s*$', re.IGNORECASE)
SQLITE_BATCH_RENAME = re.compile(r'\s*ALTER TABLE "?_alembic_tmp_\w*"? RENAME TO "?(\w+)"?\s*$', re.IGNORECASE)


@contextmanager
def sqlite_expression_indexes_kept(connection):
    """Put back the indexes on expressions that a batch rebuild of a SQLite table leaves out.

    On SQLite, batch mode copies a table into a new one built from its reflection,
    and SQLAlchemy cannot reflect an index on an expression (ix_cities_name_lower
    on lower(name)): the rebuild drops it without a word, and a later revision that
    drops the index fails (downgrading cities' version column did exactly that).
    The rebuild always drops the old table just before renaming the copy to its
    name: such indexes are read before that drop and created again after the rename,
    unless a column they need is gone (as PostgreSQL drops an index with its column).
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    dropped = {}

    def read_expression_indexes(conn, cursor, statement, parameters, context, executemany):
        if SQLITE_BATCH_RENAME.match(statement):
            return
        dropped.clear()
        match = SQLITE_DROP_TABLE.match(statement)
        if match:
            table = match.group(1)
            sqlite = cursor.connection
            dropped[table] = [
                (name, sql) for name, sql in sqlite.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                    (table,))
                if any(column is None for _seq, _cid, column in sqlite.execute(f'PRAGMA index_info("{name}")'))
            ]

    def create_expression_indexes_again(conn, cursor, statement, parameters, context, executemany):
        match = SQLITE_BATCH_RENAME.match(statement)
        if not match:
            return
        for name, sql in dropped.pop(match.group(1), []):
            try:
                cursor.connection.execute(sql)
            except sqlite3.OperationalError as error:
                logger.info("index %s left out of the rebuilt table %s: %s", name, match.group(1), error)

    listeners = [("before_cursor_execute", read_expression_indexes),
                 ("after_cursor_execute", create_expression_indexes_again)]
    for name, listener in listeners:
        event.listen(connection, name, listener)
    try:
        yield
    finally:
        for name, listener in listeners:
            event.remove(connection, name, listener)


@contextmanager
def sqlite_foreign_keys_off(connection):
    """Foreign keys off on SQLite while the migrations run on a connection of their own (`flask db upgrade`).

    A batch rebuild copies a table and drops the old one, and with foreign keys on SQLite's DROP TABLE first
    deletes the table's rows with their ON DELETE actions: rebuilding contacts would delete every mission
    delegate and invitation pointing at them (CASCADE) and empty guests' links (SET NULL); rebuilding users,
    every guest's access. SQLite heeds the pragma only outside a transaction, so a caller's own transaction
    (the migration history test's) keeps its setting."""
    if connection.dialect.name != "sqlite" or connection.in_transaction():
        yield
        return
    sqlite = connection.connection.driver_connection
    sqlite.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        sqlite.execute("PRAGMA foreign_keys=ON")


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url, target_metadata=get_metadata(), literal_binds=True
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, 'autogenerate', False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info('No changes in schema detected.')

    conf_args = current_app.extensions['migrate'].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    def run_on(connection):
        with sqlite_foreign_keys_off(connection), sqlite_expression_indexes_kept(connection):
            context.configure(
                connection=connection,
                target_metadata=get_metadata(),
                **conf_args
            )

            with context.begin_transaction():
                context.run_migrations()

    # A caller that runs several commands on one connection, inside its own
    # transaction, passes it (Alembic's cookbook: "sharing a connection"); the
    # migration history test does, to roll each start point back.
    shared = config.attributes.get('connection')
    if shared is not None:
        run_on(shared)
    else:
        with get_engine().connect() as connection:
            run_on(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
