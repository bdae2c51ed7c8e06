"""Export everything and restore it into an empty database: nothing is lost."""
import hashlib
import io
import secrets
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from crm import create_app
from crm.backup import _plain
from crm.extensions import db
from tests.conftest import postgres_unavailable_reason, postgres_url

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def snapshot(app) -> dict:
    with app.app_context():
        return {table.name: [{k: _plain(v) for k, v in row._mapping.items()}
                             for row in db.session.execute(sa.select(table).order_by(*table.primary_key.columns))]
                for table in db.metadata.sorted_tables}


def attach(app, make, data: bytes, filename: str = "minutes.pdf") -> Path:
    """An attachment row (of a new partnership) and its file, where crm.attachments.storage keeps it."""
    from crm.attachments.models import Attachment
    from crm.attachments.storage import attachment_path

    attachment = make._save(Attachment(
        partnership_id=make.partnership().id, filename=filename, stored_name=secrets.token_hex(16),
        content_type="application/pdf", size=len(data), sha256=hashlib.sha256(data).hexdigest()))
    with app.app_context():
        path = attachment_path(attachment)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@contextmanager
def empty_database_app(app, tmp_path, name: str = "restore", revision: str | None = "head", lane: str | None = None):
    """A second app on a database of its own, of the same lane (or `lane`), upgraded to `revision` (None: never
    upgraded), outside the test's transaction: its commits are real."""
    lane = lane or app.config["DB_LANE"]
    if lane == "sqlite":
        url = f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
    else:
        base = sa.make_url(postgres_url())
        database = f"{base.database}_{name}"  # beside this run's own database, never another engineer's
        admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{database}"'))
        url = base.set(database=database).render_as_string(hide_password=False)
    restored = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "TESTING": True,
                           "ATTACHMENTS_DIR": str(tmp_path / f"{name}-files")})
    if revision:
        with restored.app_context():
            upgrade(revision=revision)
    try:
        yield restored
    finally:
        with restored.app_context():
            db.engine.dispose()
        if lane != "sqlite":
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            admin.dispose()


@pytest.fixture
def empty_app(app, tmp_path):
    with empty_database_app(app, tmp_path) as restored:
        yield restored


def test_round_trip_loses_nothing(app, client, login, make, session, empty_app, tmp_path, monkeypatch):
    from crm.demo.seed import seed_demo

    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "files"))
    with app.app_context():
        seed_demo()
        db.session.commit()
    login("coordinator")
    partnership_id = session.scalar(sa.select(sa.func.min(sa.text("id"))).select_from(sa.table("partnerships")))
    client.post(f"/partnerships/{partnership_id}/attachments",
                data={"file": (io.BytesIO(PDF), "議事録.pdf")}, content_type="multipart/form-data")
    archive = tmp_path / "backup.zip"
    result = app.test_cli_runner().invoke(args=["crm", "export", str(archive)])
    assert result.exit_code == 0, result.output
    before = snapshot(app)
    assert before["attachments"] and before["engagements"] and before["audit_events"]

    restored = empty_app.test_cli_runner().invoke(args=["crm", "import", str(archive)])
    assert restored.exit_code == 0, restored.output
    assert snapshot(empty_app) == before
    original = {p.relative_to(tmp_path / "files"): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in (tmp_path / "files").rglob("*") if p.is_file()}
    restored_files = Path(empty_app.config["ATTACHMENTS_DIR"])
    copied = {p.relative_to(restored_files): hashlib.sha256(p.read_bytes()).hexdigest()
              for p in restored_files.rglob("*") if p.is_file()}
    assert original and copied == original
    # the restored database keeps working: new rows get fresh ids
    with empty_app.app_context():
        from crm.cities.models import City

        db.session.add(City(name="After restore", country_code="FR"))
        db.session.commit()
    # and a second import into a non-empty database is refused
    again = empty_app.test_cli_runner().invoke(args=["crm", "import", str(archive)])
    assert again.exit_code != 0 and "not empty" in again.output


def test_restores_into_the_other_database_exactly(app, make, tmp_path, monkeypatch):
    """SQLite to PostgreSQL and back: dates, times, enums and files come through unchanged."""
    from crm.demo.seed import seed_demo

    other = "postgresql" if app.config["DB_LANE"] == "sqlite" else "sqlite"
    if other == "postgresql" and (reason := postgres_unavailable_reason()):
        pytest.skip(reason)
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "files"))
    with app.app_context():
        seed_demo()
        db.session.commit()
    stored = attach(app, make, PDF, "議事録.pdf")
    archive = tmp_path / "backup.zip"
    assert app.test_cli_runner().invoke(args=["crm", "export", str(archive)]).exit_code == 0
    with empty_database_app(app, tmp_path, "across", lane=other) as target:
        result = target.test_cli_runner().invoke(args=["crm", "import", str(archive)])
        assert result.exit_code == 0, result.output
        assert snapshot(target) == snapshot(app)
        assert (Path(target.config["ATTACHMENTS_DIR"]) / stored.relative_to(tmp_path / "files")).read_bytes() == PDF
