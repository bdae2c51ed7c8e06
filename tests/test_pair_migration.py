"""The migration that adds "one current partnership per pair of cities" to a database that already breaks it.

Which of two current partnerships is the real one is the office's decision, so the upgrade stops,
changes nothing, and names them; once someone has archived or ended the extras, it goes through."""
from datetime import datetime

import flask_migrate
import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from tests.test_migration_history import app_on, scratch_database  # noqa: F401  (the fixture)

BEFORE = "c1d2e3f4a5b6"
NOW = datetime(2026, 12, 1, 9, 0)


def revision(engine) -> str:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def test_an_upgrade_over_duplicate_pairs_names_them_and_changes_nothing(scratch_database, monkeypatch):  # noqa: F811
    with app_on(scratch_database("pairs")) as engine:
        upgrade(revision=BEFORE)
        with engine.begin() as conn:
            for cid, name, country in [(1, "Kobe", "JP"), (2, "Malmö", "SE"), (3, "Lund", "SE")]:
                conn.execute(sa.text("INSERT INTO cities (id, name, country_code, version, created_at, updated_at) "
                                     "VALUES (:id, :name, :cc, 1, :now, :now)"),
                             {"id": cid, "name": name, "cc": country, "now": NOW})
            for pid, partner, status in [(1, 2, "active"), (2, 2, "proposed"), (3, 2, "ended"), (4, 3, "active")]:
                conn.execute(sa.text("INSERT INTO partnerships (id, home_city_id, partner_city_id, kind, status, "
                                     "version, created_at, updated_at) "
                                     "VALUES (:id, 1, :partner, 'sister_city', :status, 1, :now, :now)"),
                             {"id": pid, "partner": partner, "status": status, "now": NOW})
        printed = []
        monkeypatch.setattr(flask_migrate.log, "error", printed.append)  # what `flask db upgrade` prints
        with pytest.raises(SystemExit):
            upgrade()  # … before it exits with 1
        assert "Kobe – Malmö: partnerships 1, 2\n" in printed[0] and "Lund" not in printed[0]
        assert "archive the others or set their status to Ended" in printed[0]
        assert revision(engine) == BEFORE

        with engine.begin() as conn:  # the office decides: the proposed one was a mistake
            conn.execute(sa.text("UPDATE partnerships SET status = 'ended' WHERE id = 2"))
        upgrade()
        assert revision(engine) != BEFORE
        with engine.begin() as conn, pytest.raises(sa.exc.IntegrityError):
            conn.execute(sa.text("UPDATE partnerships SET status = 'active' WHERE id = 2"))
        downgrade(revision=BEFORE)  # and back, on both databases
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE partnerships SET status = 'active' WHERE id = 2"))
            assert "heartbeat_at" not in {c["name"] for c in sa.inspect(conn).get_columns("import_jobs")}
