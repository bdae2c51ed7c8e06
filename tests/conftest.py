"""Fixtures: one application per database lane, one rolled-back transaction per test.

Every test runs on SQLite and, when a server answers, on PostgreSQL: the
`app` fixture is parametrized over the lanes. The PostgreSQL lane uses
TEST_DATABASE_URL, else a server on localhost; with none it is skipped,
loudly, unless REQUIRE_POSTGRES=1 (CI), where that is an error.
"""
import os
import re
import select
import sys
import time
import warnings
from datetime import UTC, datetime

import psycopg
import pytest
import sqlalchemy as sa
import time_machine
from argon2 import PasswordHasher
from flask_migrate import upgrade
from sqlalchemy import event
from sqlalchemy.orm import Session

import crm.auth.passwords
from crm import create_app
from crm.config import normalise_database_url
from crm.extensions import db as flask_db

# Every HTML page rendered during the run goes through the Nu HTML Checker at the end.
pytest_plugins = ["tests.markup_check"]

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@localhost/crm_test"
IGNORED_STATEMENTS = re.compile(r"^\s*(SAVEPOINT|RELEASE|ROLLBACK TO|BEGIN|COMMIT|ROLLBACK)\b", re.I)



def _sleep_on_select(seconds: float) -> None:
    """time.sleep through select(): libfaketime with FAKETIME_DONT_FAKE_MONOTONIC=1 (as the date checks run it)
    answers Python's clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME) with EINVAL, so every time.sleep, and every
    subprocess wait with a timeout, would fail for a reason that has nothing to do with the date."""
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        select.select([], [], [], left)


if "faketime" in os.environ.get("LD_PRELOAD", ""):
    time.sleep = _sleep_on_select
    # SeaweedFS (a Go program) keeps the real clock whatever LD_PRELOAD says, and refuses requests signed by this
    # process's shifted one: the object-store tests take moto's server (in this process, on its clock) instead.
    os.environ["CRM_TEST_S3"] = "moto"
    # Programs the tests start (gunicorn, PDF workers, the markup checker) run on the real clock: they are
    # checked for how they start, answer and end, never for a date, and would hit the same sleep failure.
    os.environ.pop("LD_PRELOAD")

# Real Argon2id, with parameters cheap enough for thousands of sign-ins.
crm.auth.passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def postgres_url() -> str:
    return normalise_database_url(os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES_URL)


def refuse_unless_test_database(url: str) -> None:
    """The PostgreSQL lane drops the public schema of the database it is given: refuse any
    database whose name does not end in _test, so a mistyped URL cannot wipe a real one."""
    name = sa.make_url(url).database or ""
    if not name.endswith("_test"):
        raise pytest.UsageError(
            f"TEST_DATABASE_URL names the database {name!r}; the tests drop and recreate its public schema, "
            "so they run only on a database whose name ends in _test (e.g. crm_test)")


def postgres_unavailable_reason() -> str | None:
    url = sa.make_url(postgres_url())
    try:
        with psycopg.connect(host=url.host or "localhost", port=url.port or 5432, user=url.username,
                             password=url.password, dbname="postgres", connect_timeout=3, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (url.database,)).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{url.database}"')
    except psycopg.Error as error:
        return f"PostgreSQL at {url.render_as_string(hide_password=True)} did not answer: {error}"
    return None


def pytest_report_header(config):
    refuse_unless_test_database(postgres_url())
    reason = postgres_unavailable_reason()
    if reason:
        return [f"!!! PostgreSQL lane SKIPPED: {reason}"]
    return [f"database lanes: sqlite, postgresql ({sa.make_url(postgres_url()).render_as_string(hide_password=True)})"]


def _reset_postgres(url: str) -> None:
    refuse_unless_test_database(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def app(request, tmp_path_factory):
    if request.param == "postgresql":
        reason = postgres_unavailable_reason()
        if reason:
            if os.environ.get("REQUIRE_POSTGRES") == "1":
                pytest.fail(f"REQUIRE_POSTGRES=1 but {reason}")
            warnings.warn(f"PostgreSQL lane skipped: {reason}")
            pytest.skip(f"PostgreSQL lane skipped: {reason}")
        url = postgres_url()
        _reset_postgres(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    application = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "PER_PAGE": 10,
        "PUBLIC_URL": "http://localhost",  # the test client's host: links in e-mails and feeds open in it
        "JOBS_RUNNER": "eager",  # each background job runs as its transaction commits (tests/test_jobs*.py: the others)
        "REDIS_URL": None,
    })
    application.config["DB_LANE"] = request.param
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        flask_db.engine.dispose()


#: The instant every test runs at: the wall clock is stopped here (then ticks on from it), so no test
#: depends on the day it runs. Noon UTC is the same date in every office zone from UTC-11 to UTC+11.
#: Browser tests are the exception: Chromium keeps the real clock, so they build their data from the
#: office's today as the app computes it.
FROZEN_AT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(request):
    """The stopped wall clock: `clock.move_to(...)` travels, `clock.today()` is the day it shows."""
    if request.node.get_closest_marker("browser"):
        yield None
        return
    with time_machine.travel(FROZEN_AT, tick=True) as traveller:
        traveller.today = lambda: datetime.now(UTC).date()
        yield traveller


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []
        self.active = False

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if self.active and not IGNORED_STATEMENTS.match(statement):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture(autouse=True)
def _transaction(app):
    """Run the test inside one transaction on one connection, rolled back at the end.

    The application's sessions (one per app context, so one per request)
    join it through savepoints: their commits are real to each other and
    vanish when the test ends.
    """
    from crm.extensions import limiter

    limiter.reset()  # rate-limit counters start from zero in every test
    with app.app_context():
        engines = flask_db._app_engines[app]
        engine = engines[None]
        connection = engine.connect()
        outer = connection.begin()
        engines[None] = connection
        flask_db.session.configure(join_transaction_mode="create_savepoint")
        counter = QueryCounter()
        event.listen(connection, "before_cursor_execute", counter)
    app.extensions["test_connection"] = connection
    app.extensions["query_counter"] = counter
    try:
        yield connection
    finally:
        with app.app_context():
            flask_db.session.remove()
        outer.rollback()
        connection.close()
        engines[None] = engine


@pytest.fixture
def session(app, _transaction):
    """A session for the test's own setup and checks, on the test's connection."""
    s = Session(bind=_transaction, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield s
    s.close()


@pytest.fixture
def app_ctx(app):
    """An application context, for calling business functions directly."""
    with app.app_context():
        yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make(session):
    from tests.factories import Factories

    return Factories(session)


@pytest.fixture
def login(client, make):
    """login(role_or_user) signs the test client in and returns the user."""

    def sign_in(who="coordinator"):
        user = make.user(role=who) if isinstance(who, str) else who
        with client.session_transaction() as flask_session:
            flask_session["_user_id"] = make.session_id(user)
            flask_session["_fresh"] = True
        return user

    return sign_in


@pytest.fixture
def count_queries(app):
    """with count_queries() as counter: ...; counter.count is the SQL statements run."""
    from contextlib import contextmanager

    counter = app.extensions["query_counter"]

    class Counted:
        """The statements of one `with` block: live inside it, kept as they were after it."""

        def __init__(self):
            self.kept = None

        @property
        def statements(self) -> list:
            return counter.statements if self.kept is None else self.kept

        @property
        def count(self) -> int:
            return len(self.statements)

    @contextmanager
    def counting():
        counter.statements.clear()
        counter.active = True
        counted = Counted()
        try:
            yield counted
        finally:
            counter.active = False
            counted.kept = list(counter.statements)

    return counting


_passed_by_lane = {"sqlite": 0, "postgresql": 0}


def pytest_runtest_logreport(report):
    if report.when == "call" and report.passed:
        for lane in _passed_by_lane:
            if f"[{lane}" in report.nodeid:
                _passed_by_lane[lane] += 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    terminalreporter.write_line(
        f"database lanes: sqlite {_passed_by_lane['sqlite']} passed, "
        f"postgresql {_passed_by_lane['postgresql']} passed")
    hostile = sys.modules.get("tests.test_hostile_input")
    if hostile is not None and hostile.tried["count"]:
        terminalreporter.write_line(f"hostile inputs tried: {hostile.tried['count']}, answered with a 500: "
                                    f"{hostile.tried.get('server_errors', 0)}")
    if _passed_by_lane["postgresql"] == 0:
        terminalreporter.write_line("!!! The PostgreSQL lane did not run. Set TEST_DATABASE_URL or start a "
                                    "local PostgreSQL server.", red=True, bold=True)


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("REQUIRE_POSTGRES") == "1" and _passed_by_lane["postgresql"] == 0 and exitstatus == 0:
        session.exitstatus = 1
