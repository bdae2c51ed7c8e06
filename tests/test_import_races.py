"""Issue 26 item 6: two imports of the same file confirmed at once, on two real connections (PostgreSQL,
and SQLite's file).

The one that saves keeps its outcome; the other waits for it, finds its rows recorded and says so,
instead of failing with a raw SQL error. The progress shows the phase the import is in."""
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.test_races import race, scalar, setup, staff


@pytest.fixture
def committed(app):
    """Real commits on the lane's own database (a file for SQLite), removed after; like test_concurrency's,
    but on both lanes: SQLite's single writer must settle the race too."""
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.connect() as conn:
        last_audit = conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM audit_events")).scalar()
    created = []  # (table, id), deleted in reverse order afterwards
    yield engine, created
    with engine.begin() as conn:
        for table, row_id in reversed(created):
            conn.execute(sa.text(f"DELETE FROM {table} WHERE id = :id"), {"id": row_id})
        conn.execute(sa.text("DELETE FROM audit_events WHERE id > :last"), {"last": last_audit})
    engine.dispose()

NAMES = ("Racetown", "Raceville", "Racebury")


def test_two_imports_of_the_same_file_confirmed_at_once(app, committed, monkeypatch):
    from crm.cities.models import City
    from crm.imports import views, writing
    from tests.test_once import ready_job

    engine, created = committed
    user, login = staff(engine, created)
    (home,) = setup(engine, created, City(name="Race Kobe", country_code="JP"))
    with Session(engine, expire_on_commit=False) as session:
        jobs = [ready_job(session, user, home, names=NAMES) for _ in range(2)]
    created += [("import_jobs", job.id) for job in jobs]
    original = writing.ensure_cities

    def slow_cities(*args, **kwargs):  # the first to write is still at it when the second starts
        time.sleep(0.5)
        return original(*args, **kwargs)

    monkeypatch.setattr(writing, "ensure_cities", slow_cities)
    try:
        results = race(app, engine, monkeypatch, login, views, "ConfirmForm",
                       [(f"/import/{job.token}/confirm", {}) for job in jobs])
    finally:
        made = scalar(engine, "SELECT count(*) FROM partnerships WHERE home_city_id = :h", h=home.id)
        cities = scalar(engine, "SELECT count(*) FROM cities WHERE name IN ('Racetown', 'Raceville', 'Racebury')")
        with engine.begin() as conn:  # what the imports wrote
            conn.execute(sa.text("DELETE FROM partnerships WHERE home_city_id = :h"), {"h": home.id})
            conn.execute(sa.text("DELETE FROM cities WHERE name IN ('Racetown', 'Raceville', 'Racebury')"))
    assert [code for code, _f in results] == [302, 302], results
    assert (made, cities) == (3, 3), "each partnership and each city once"
    with engine.connect() as conn:
        outcomes = conn.execute(sa.text("SELECT status, error, summary FROM import_jobs WHERE id IN (:a, :b)"),
                                {"a": jobs[0].id, "b": jobs[1].id}).all()
    assert [status for status, _e, _s in outcomes] == ["done", "done"], outcomes
    assert all(error is None for _s, error, _x in outcomes)
    import json

    summaries = sorted((json.loads(s) if isinstance(s, str) else s for _s, _e, s in outcomes),
                       key=lambda s: s["partnerships"])
    assert [s["partnerships"] for s in summaries] == [0, 3], "the one that saved keeps its outcome"
    assert summaries[0]["already_recorded"] == 3


def test_writing_starts_from_nothing_and_says_which_phase_it_is_in(client, login, make, session):
    """Matching's 100 % is not shown while the import prepares its cities; then it says it is saving."""
    from crm.imports import liveness, progress
    from crm.imports.models import APPLYING, READY, ImportJob
    from tests.test_once import ready_job

    home = make.home_city(name="Kobe", country_code="JP")
    user = login("coordinator")
    job = ready_job(session, user, home)
    session.execute(sa.update(ImportJob).where(ImportJob.id == job.id).values(processed=50, total=50))
    session.commit()
    with client.application.app_context():
        from crm.extensions import db

        worker = liveness.claim_job(job.id, READY, APPLYING)
        db.session.commit()
    try:
        status = client.get(f"/import/{job.token}/status").json
        assert (status["done"], status["phase"], status["heading"]) == (0, "preparing", "Preparing the cities…")
        assert "Preparing the cities…" in client.get(f"/import/{job.token}").text
        progress.PHASES[job.token] = progress.WAITING
        assert client.get(f"/import/{job.token}/status").json["heading"] == \
            "Waiting for another import to finish saving…"
        progress.PHASES.pop(job.token)
        session.execute(sa.update(ImportJob).where(ImportJob.id == job.id).values(processed=1))
        session.commit()
        status = client.get(f"/import/{job.token}/status").json
        assert (status["done"], status["phase"], status["heading"]) == (1, "writing", "Saving the partnerships…")
    finally:
        liveness.WORKING.discard(worker)


def test_one_import_confirmed_twice_at_once_on_either_database(app, committed, monkeypatch):
    """The double-click of tests/test_races.py, on SQLite's file as well: written once, the other told."""
    from crm.cities.models import City
    from crm.imports import views
    from tests.test_once import ready_job

    engine, created = committed
    user, login = staff(engine, created)
    (home,) = setup(engine, created, City(name="Race Osaka", country_code="JP"))
    with Session(engine, expire_on_commit=False) as session:
        job = ready_job(session, user, home, names=("Racehaven",))
    created.append(("import_jobs", job.id))
    try:
        results = race(app, engine, monkeypatch, login, views, "ConfirmForm",
                       [(f"/import/{job.token}/confirm", {})] * 2)
    finally:
        made = scalar(engine, "SELECT count(*) FROM partnerships WHERE home_city_id = :h", h=home.id)
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM partnerships WHERE home_city_id = :h"), {"h": home.id})
            conn.execute(sa.text("DELETE FROM cities WHERE name = 'Racehaven'"))
    assert [code for code, _f in results] == [302, 302], results
    assert sum("This import was already confirmed; it is written only once." in f for _c, f in results) == 1
    assert made == 1
    assert scalar(engine, "SELECT status FROM import_jobs WHERE id = :j", j=job.id) == "done"
