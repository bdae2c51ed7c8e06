"""A failed transaction never leaves a row without a file or a file without a row, on either store: the file
is written before its row is flushed, published with the commit, removed by a rollback, and a deleted row's
file goes only once the deletion commits. A process killed between the write and the commit leaves a file no
row names, which `crm files check --remove` finds and removes (files younger than --older-than are left)."""
import io
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy.exc
from flask_login import login_user
from PIL import Image
from werkzeug.datastructures import FileStorage

from crm.attachments import storage
from crm.attachments.models import Attachment
from crm.auth.models import User
from crm.cities import emblems
from crm.cities.models import City
from crm.engagements.models import Engagement
from crm.extensions import db
from tests.storage_server import *  # the fixtures backend, files, s3_settings

ROOT = Path(__file__).resolve().parents[1]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def keys(files) -> list[str]:
    return sorted(stored.key for stored in files.list(""))


def png(color=(180, 30, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), color).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def as_coordinator(app, make):
    """A request context with a coordinator signed in, and an engagement to attach files to."""
    user_id, engagement_id = make.user("coordinator").id, make.engagement(make.partnership()).id
    with app.test_request_context():
        login_user(db.session.get(User, user_id))
        yield db.session.get(Engagement, engagement_id)


def save(engagement) -> Attachment:
    return storage.save_upload(FileStorage(io.BytesIO(PDF), "minutes.pdf"), engagement)


def test_a_rollback_after_the_write_removes_the_file(as_coordinator, files):
    save(as_coordinator)
    assert len(keys(files)) == 1  # written before the row is flushed
    db.session.rollback()
    assert keys(files) == [] and db.session.query(Attachment).count() == 0


def test_a_session_closed_without_a_commit_removes_the_file(as_coordinator, files):
    save(as_coordinator)
    db.session.close()
    assert keys(files) == []


def test_a_row_that_cannot_be_flushed_takes_its_file_with_it(as_coordinator, files, monkeypatch):
    def flush_fails(*args, **kwargs):
        raise sqlalchemy.exc.OperationalError("INSERT", {}, Exception("the server closed the connection"))

    monkeypatch.setattr(db.session, "flush", flush_fails)
    with pytest.raises(sqlalchemy.exc.OperationalError):
        save(as_coordinator)
    assert keys(files) == []


def test_a_commit_that_fails_leaves_neither_row_nor_file(client, login, make, session, files, monkeypatch):
    login("coordinator")
    engagement = make.engagement(make.partnership())

    def commit_fails(*args, **kwargs):
        raise sqlalchemy.exc.OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(db.session, "commit", commit_fails)
    response = client.post(f"/engagements/{engagement.id}/attachments", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(PDF), "minutes.pdf"), "visibility": "staff_only"})
    assert response.status_code == 503
    assert session.query(Attachment).count() == 0 and keys(files) == []


def test_a_deletion_rolled_back_keeps_the_file_and_a_committed_one_removes_it(as_coordinator, files):
    attachment = save(as_coordinator)
    db.session.commit()
    key, attachment_id = storage.attachment_key(attachment), attachment.id
    storage.delete_attachment(attachment)
    assert keys(files) == [key]  # flushed, not committed
    db.session.rollback()
    assert keys(files) == [key] and db.session.get(Attachment, attachment_id) is not None
    storage.delete_attachment(db.session.get(Attachment, attachment_id))
    db.session.commit()
    assert keys(files) == []


def test_a_replaced_emblem_rolled_back_keeps_the_old_one(app, make, files):
    city_id = make.city("Kyoto").id
    with app.test_request_context():
        city = db.session.get(City, city_id)
        emblems.save_emblem(city, FileStorage(io.BytesIO(png()), "kyoto.png"))
        db.session.commit()
        first = emblems.emblem_key(city.emblem_name)
        emblems.save_emblem(city, FileStorage(io.BytesIO(png((0, 90, 160))), "new.png"))
        assert len(keys(files)) == 2
        db.session.rollback()
        assert keys(files) == [first] and emblems.emblem_key(db.session.get(City, city_id).emblem_name) == first


def test_files_check_finds_what_a_process_killed_before_its_commit_left(app, make, clock, files, backend):
    """An upload written, its process gone before the commit (written straight to the store here), and an
    emblem the same: listed, then removed; the committed files stay. The older-than rule holds on both stores."""
    runner = app.test_cli_runner()
    with app.test_request_context():
        engagement = db.session.get(Engagement, make.engagement(make.partnership()).id)
        login_user(db.session.get(User, make.user("coordinator").id))
        kept = storage.attachment_key(save(engagement))
        db.session.commit()
    files.stage("ee/" + "e" * 32, io.BytesIO(PDF))  # never committed
    files.stage("emblems/" + "f" * 32 + ".png", io.BytesIO(png()))
    left = [files.describe(files.staged_key("ee/" + "e" * 32)),
            files.describe(files.staged_key("emblems/" + "f" * 32 + ".png"))]

    # as the store dates them (a real server by its own clock; moto, in this process, by the stopped one)
    written = datetime.fromtimestamp(max(stored.modified for stored in files.list("")), UTC)
    clock.move_to(written + timedelta(minutes=10))
    young = runner.invoke(args=["crm", "files", "check"])
    assert young.exit_code == 0 and "2 files younger than 60 minutes not judged" in young.output, young.output

    clock.move_to(written + timedelta(hours=2))
    listed = runner.invoke(args=["crm", "files", "check"])
    assert listed.exit_code == 1 and all(f"no row: {where}" in listed.output for where in left), listed.output
    assert "2 files without rows" in listed.output and len(keys(files)) == 3
    removed = runner.invoke(args=["crm", "files", "check", "--remove"])
    assert all(f"removed: {where}" in removed.output for where in left), removed.output
    assert keys(files) == [kept]
    assert runner.invoke(args=["crm", "files", "check"]).exit_code == 0


#: a web process in miniature, killed (SIGKILL, as the out-of-memory killer does) after it wrote the file and
#: before its commit, with the files in the object store
CRASH = """
import io, os, signal, sys
from flask_login import login_user
from flask_migrate import upgrade
from werkzeug.datastructures import FileStorage
from crm import create_app
from crm.attachments import storage
from crm.extensions import db
from tests.factories import Factories

database, endpoint, bucket = sys.argv[1:4]
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite:///" + database, "SECRET_KEY": "x",
                  "STORAGE": "s3", "S3_BUCKET": bucket, "S3_ENDPOINT_URL": endpoint, "S3_REGION": "us-east-1",
                  "S3_PREFIX": "crm/"})
with app.app_context():
    upgrade()
    make = Factories(db.session)
    engagement = make.engagement(make.partnership())
    with app.test_request_context():
        login_user(make.user("coordinator"))
        db.session.commit = lambda: os.kill(os.getpid(), signal.SIGKILL)
        storage.save_upload(FileStorage(io.BytesIO(b"%PDF-1.4\\n" + b"0" * 100_000), "big.pdf"), engagement)
        db.session.commit()
"""


def test_a_process_killed_between_write_and_commit_leaves_an_object_the_check_removes(app, tmp_path,
                                                                                       s3_settings):
    if app.config["DB_LANE"] != "sqlite":
        pytest.skip("the killed process keeps its rows in a SQLite database of its own")
    database = tmp_path / "crash.sqlite3"
    crashed = subprocess.run([sys.executable, "-c", CRASH, str(database), s3_settings["S3_ENDPOINT_URL"],
                              s3_settings["S3_BUCKET"]], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                             capture_output=True, text=True, timeout=120, check=False)
    assert crashed.returncode == -9, crashed.stderr

    from crm import create_app

    after = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "x",
                        **s3_settings})
    with after.app_context():
        from crm.storage import store

        left = keys(store(after))
        assert len(left) == 1 and db.session.query(Attachment).count() == 0  # an object no row names
        result = after.test_cli_runner().invoke(args=["crm", "files", "check", "--older-than", "0", "--remove"])
        assert result.exit_code == 0 and f"removed: s3://{s3_settings['S3_BUCKET']}/crm/{left[0]}" in result.output
        assert keys(store(after)) == []
        db.engine.dispose()
