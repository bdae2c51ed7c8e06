"""Shared pieces of the benchmarks: a fresh PostgreSQL database, timing and query counting."""
import os
import statistics
import time
from contextlib import contextmanager

import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import event

from crm import create_app
from crm.config import normalise_database_url
from crm.extensions import db

BASE_URL = normalise_database_url(os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@localhost/postgres"))


def fresh_app(database: str):
    """An app on a newly created PostgreSQL database with the schema applied."""
    url = sa.make_url(BASE_URL)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url.set(database=database).render_as_string(hide_password=False),
                      "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "TESTING": False})
    with app.app_context():
        upgrade()
    return app


def median_seconds(action, repeat: int = 7, warmup: int = 2) -> float:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


@contextmanager
def counting_queries(app):
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def session_secret(user) -> str:
    """A live sign-in session for the user (in an app context): the secret its cookie carries."""
    from crm.auth import sessions
    from crm.extensions import db

    record, secret = sessions.new_record(user)
    db.session.add(record)
    db.session.commit()
    return secret


def signed_in_client(app, user_id: int, session_token: str):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{user_id}:{session_token}"
        session["_fresh"] = True
    return client
