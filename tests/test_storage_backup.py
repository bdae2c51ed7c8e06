"""`crm export` reads the files from the store and `crm import` writes them to it, whichever backend: an
archive made from the local folder restores into an object store and back, byte for byte, and a restore into
an object store that already holds one of its files, or whose commit fails, writes nothing."""
import hashlib
import io

import pytest
import sqlalchemy as sa
from PIL import Image

from crm.cities.models import City
from crm.extensions import db
from crm.storage import store
from tests.storage_server import *  # the fixtures backend, files, s3_credentials, s3_settings
from tests.storage_server import new_bucket
from tests.test_backup import PDF, attach, empty_database_app, snapshot


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 24), (180, 30, 40)).save(out, "PNG")
    return out.getvalue()


def contents(app) -> dict[str, str]:
    """Every stored file of an app, by key, as its SHA-256."""
    files = store(app)
    found = {}
    for stored in files.list(""):
        with files.open(stored.key) as opened:
            found[stored.key] = hashlib.sha256(opened.read()).hexdigest()
    return found


def export(app, path) -> None:
    result = app.test_cli_runner().invoke(args=["crm", "export", str(path)])
    assert result.exit_code == 0, result.output


def restore(app, path):
    return app.test_cli_runner().invoke(args=["crm", "import", str(path)])


def test_round_trip_from_the_local_folder_to_an_object_store_and_back(app, make, session, tmp_path, monkeypatch,
                                                                     s3_credentials):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "files"))
    attach(app, make, PDF, "議事録.pdf")
    city = make.city("Kyoto", "京都")
    city.emblem_name, city.emblem_type = "a" * 32 + ".png", "image/png"
    session.add(city)
    session.commit()
    store(app).put(f"emblems/{city.emblem_name}", io.BytesIO(png()))
    original, rows = contents(app), snapshot(app)
    assert len(original) == 2
    export(app, tmp_path / "from-local.zip")

    with empty_database_app(app, tmp_path, "in-s3") as in_s3:
        in_s3.config.update(new_bucket())
        result = restore(in_s3, tmp_path / "from-local.zip")
        assert result.exit_code == 0, result.output
        assert snapshot(in_s3) == rows and contents(in_s3) == original
        export(in_s3, tmp_path / "from-s3.zip")
        with empty_database_app(app, tmp_path, "back") as back:
            result = restore(back, tmp_path / "from-s3.zip")
            assert result.exit_code == 0, result.output
            assert snapshot(back) == rows and contents(back) == original
            with back.app_context():
                assert db.session.scalar(sa.select(City.emblem_name).where(City.name == "Kyoto")) == city.emblem_name


def test_a_restore_into_an_object_store_writes_nothing_when_refused_or_when_its_commit_fails(
        app, make, tmp_path, monkeypatch, s3_credentials):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "files"))
    stored = attach(app, make, PDF)
    export(app, tmp_path / "backup.zip")
    key = stored.relative_to(tmp_path / "files").as_posix()

    with empty_database_app(app, tmp_path, "refused") as target:
        target.config.update(new_bucket())
        store(target).put(key, io.BytesIO(b"already here"))
        refused = restore(target, tmp_path / "backup.zip")
        assert refused.exit_code == 1 and "object store is not empty" in refused.output, refused.output
        assert list(contents(target)) == [key] and snapshot(target)["attachments"] == []

        store(target).delete(key)

        def commit_fails():
            raise sa.exc.OperationalError("COMMIT", {}, Exception("the server closed the connection"))

        with target.app_context(), pytest.MonkeyPatch.context() as patch:
            patch.setattr(db.session, "commit", commit_fails)
            failed = restore(target, tmp_path / "backup.zip")
        assert "the database refused the restored rows" in failed.output, failed.output
        assert contents(target) == {} and snapshot(target)["attachments"] == []
