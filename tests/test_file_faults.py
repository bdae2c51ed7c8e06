"""Files never outlive their rows: a crash at any point before the commit, a full disk or read-only storage
leaves no file a row does not name, and the user gets a message in their language, not a 500."""
import errno
import html
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy.exc
from flask_login import login_user
from werkzeug.datastructures import FileStorage

from crm.attachments import storage
from crm.attachments.consistency import check_files
from crm.attachments.models import Attachment
from crm.auth.models import User
from crm.engagements.models import Engagement
from crm.extensions import db
from crm.storage import local as local_store

ROOT = Path(__file__).resolve().parents[1]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def storage_dir(app, tmp_path, monkeypatch):
    folder = tmp_path / "attachments"
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(folder))
    return folder


def files_in(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


@pytest.fixture
def engagement(make):
    return make.engagement(make.partnership(), title="Port meeting")


def post_file(client, engagement, content=PDF, name="minutes.pdf", **kwargs):
    return client.post(f"/engagements/{engagement.id}/attachments",
                       data={"file": (io.BytesIO(content), name), "visibility": "staff_only"},
                       content_type="multipart/form-data", **kwargs)


def test_an_upload_is_written_under_a_temporary_name_until_its_row_commits(app, make, engagement, storage_dir):
    user_id = make.user("coordinator").id
    with app.test_request_context():
        login_user(db.session.get(User, user_id))
        attachment = storage.save_upload(FileStorage(io.BytesIO(PDF), "minutes.pdf"),
                                         db.session.get(Engagement, engagement.id))
        final = storage.attachment_path(attachment)
        assert files_in(storage_dir) == [storage.temporary_path(final)]  # written, not yet visible
        db.session.commit()
        assert files_in(storage_dir) == [final] and final.read_bytes() == PDF


def test_a_rollback_removes_the_temporary_file(app, make, engagement, storage_dir):
    user_id = make.user("coordinator").id
    with app.test_request_context():
        login_user(db.session.get(User, user_id))
        storage.save_upload(FileStorage(io.BytesIO(PDF), "minutes.pdf"), db.session.get(Engagement, engagement.id))
        db.session.rollback()
    assert files_in(storage_dir) == []


def test_a_session_closed_without_a_commit_removes_the_temporary_file(app, make, engagement, storage_dir):
    user_id = make.user("coordinator").id
    with app.test_request_context():
        login_user(db.session.get(User, user_id))
        storage.save_upload(FileStorage(io.BytesIO(PDF), "minutes.pdf"), db.session.get(Engagement, engagement.id))
    # the request's end closed the session
    assert files_in(storage_dir) == []


def test_a_commit_that_fails_leaves_no_file(client, login, engagement, session, storage_dir, monkeypatch):
    """The database goes away between the upload's flush and its commit: the user gets the "try again" page,
    and neither the file nor its row is left."""
    login("coordinator")

    def commit_fails(*args, **kwargs):
        raise sqlalchemy.exc.OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(db.session, "commit", commit_fails)
    response = post_file(client, engagement)
    assert response.status_code == 503
    assert "nothing was saved" in response.text
    assert session.query(Attachment).count() == 0 and files_in(storage_dir) == []


def test_an_error_after_storing_before_the_commit_leaves_no_file(client, login, engagement, session, storage_dir,
                                                               monkeypatch):
    login("coordinator")
    real_save = storage.save_upload

    def save_then_fail(*args, **kwargs):
        real_save(*args, **kwargs)
        raise RuntimeError("a bug between storing and committing")

    monkeypatch.setattr(storage, "save_upload", save_then_fail)
    with pytest.raises(RuntimeError):  # in testing the error propagates; in production it is the 500 page
        post_file(client, engagement)
    assert session.query(Attachment).count() == 0 and files_in(storage_dir) == []


@pytest.mark.parametrize("code, message", [
    (errno.ENOSPC, "the server's storage is full"),
    (errno.EROFS, "the server's storage cannot be written to just now"),
    (errno.EACCES, "the server's storage cannot be written to just now"),
    (errno.EIO, "a problem with the server's storage"),
])
def test_a_disk_that_refuses_halfway_gives_a_message_and_no_partial_file(client, login, engagement, session,
                                                                         storage_dir, monkeypatch, code, message):
    login("coordinator")

    def copy_half_then_fail(source, target, length=0):
        target.write(source.read(10))  # some bytes are on the disk when it fills up
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(local_store.shutil, "copyfileobj", copy_half_then_fail)
    response = post_file(client, engagement, content=PDF * 100, follow_redirects=True)
    assert response.status_code == 200
    page = html.unescape(response.text)
    assert message in page and "Nothing was saved." in page
    assert session.query(Attachment).count() == 0 and files_in(storage_dir) == []


def test_read_only_storage_refuses_before_any_file_exists(client, login, engagement, session, storage_dir,
                                                         monkeypatch):
    """The folder cannot even be made (mount read-only): the same message."""
    login("coordinator")

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(Path, "mkdir", read_only)
    response = post_file(client, engagement, follow_redirects=True)
    assert response.status_code == 200 and "cannot be written to just now" in html.unescape(response.text)
    assert session.query(Attachment).count() == 0 and files_in(storage_dir) == []


def expected_in(language: str, message) -> str:
    from flask import current_app
    from flask_babel import force_locale
    from markupsafe import escape

    with current_app.test_request_context(), force_locale(language):
        return str(escape(str(message)))


def full_disk(source, target, length=0):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_the_storage_message_is_in_the_uploaders_language(app, client, login, make, engagement, storage_dir,
                                                         monkeypatch):
    login(make.user("coordinator", language="de"))
    monkeypatch.setattr(local_store.shutil, "copyfileobj", full_disk)
    response = post_file(client, engagement, follow_redirects=True)
    assert response.status_code == 200
    with app.app_context():
        assert expected_in("de", storage.STORAGE_FULL) in response.text
    assert files_in(storage_dir) == []


def test_a_guest_upload_on_a_full_disk_gets_the_message_in_the_guests_language(app, client, login, make, session,
                                                                             storage_dir, monkeypatch):
    from crm.guests.models import GuestAccess

    partnership = make.partnership()
    contact = make.contact(partnership, language="es")
    guest = make.user("guest", language="es")
    session.add(GuestAccess(user=guest, partnership=partnership, contact=contact))
    session.commit()
    login(guest)
    monkeypatch.setattr(local_store.shutil, "copyfileobj", full_disk)
    response = client.post(f"/portal/partnerships/{partnership.id}/documents",
                           data={"file": (io.BytesIO(PDF), "minutes.pdf")}, content_type="multipart/form-data",
                           follow_redirects=True)
    assert response.status_code == 200
    with app.app_context():
        assert expected_in("es", storage.STORAGE_FULL) in response.text
    assert session.query(Attachment).count() == 0 and files_in(storage_dir) == []


# -- the maintenance command ---------------------------------------------------------------------------------

def stored(folder: Path, name: str, content: bytes = b"x", age_minutes: float = 120) -> Path:
    path = folder / name[:2] / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    then = time.time() - age_minutes * 60
    os.utime(path, (then, then))
    return path


def test_files_check_lists_and_removes_files_without_rows_and_reports_rows_without_files(
        app, make, engagement, session, storage_dir):
    user = make.user("coordinator")
    kept = Attachment(partnership_id=engagement.partnership_id, engagement_id=engagement.id, filename="kept.pdf",
                      stored_name="a" * 32, content_type="application/pdf", size=1, sha256="0" * 64,
                      uploaded_by_id=user.id)
    lost = Attachment(partnership_id=engagement.partnership_id, engagement_id=engagement.id, filename="lost.pdf",
                      stored_name="b" * 32, content_type="application/pdf", size=1, sha256="0" * 64,
                      uploaded_by_id=user.id)
    unfinished = Attachment(partnership_id=engagement.partnership_id, engagement_id=engagement.id,
                            filename="unfinished.pdf", stored_name="c" * 32, content_type="application/pdf", size=1,
                            sha256="0" * 64, uploaded_by_id=user.id)
    session.add_all([kept, lost, unfinished])
    session.commit()
    kept_file = stored(storage_dir, "a" * 32)
    orphan = stored(storage_dir, "d" * 32, b"o" * (19 * 1024 * 1024 // 1000))  # a crash before the commit
    crashed_part = stored(storage_dir, "e" * 32 + ".part")  # killed between write and commit
    leftover_part = stored(storage_dir, "a" * 32 + ".part")  # beside its finished file
    committed_part = stored(storage_dir, "c" * 32 + ".part")  # killed between commit and rename
    young = stored(storage_dir, "f" * 32, age_minutes=1)  # an upload on its way: not judged
    foreign = storage_dir / "notes.txt"
    foreign.write_text("someone's notes")

    runner = app.test_cli_runner()
    listed = runner.invoke(args=["crm", "files", "check"])
    assert listed.exit_code == 1, listed.output
    for path in (orphan, crashed_part, leftover_part):
        assert f"no row: {path}" in listed.output
    assert f"committed, still temporary: {committed_part}" in listed.output
    assert f"no file: attachment {lost.id} 'lost.pdf'" in listed.output
    assert f"not an attachment file, left alone: {foreign}" in listed.output
    assert "3 files without rows" in listed.output and "1 rows without files" in listed.output
    assert "1 files younger than 60 minutes not judged" in listed.output
    assert all(path.exists() for path in (orphan, crashed_part, leftover_part, committed_part))  # only listed

    removed = runner.invoke(args=["crm", "files", "check", "--remove"])
    assert f"removed: {orphan}" in removed.output and f"finished: {committed_part}" in removed.output
    assert removed.exit_code == 1  # the row without a file is still there to act on
    assert files_in(storage_dir) == sorted([kept_file, committed_part.with_name("c" * 32), young, foreign])

    session.delete(session.get(Attachment, lost.id))
    session.commit()
    again = runner.invoke(args=["crm", "files", "check", "--older-than", "0", "--remove"])
    assert again.exit_code == 0, again.output
    assert young not in files_in(storage_dir) and foreign.exists()


def test_files_check_keeps_the_files_of_documents_in_the_trash(app, make, engagement, session, storage_dir):
    from crm.clock import utcnow

    user = make.user("coordinator")
    trashed = Attachment(partnership_id=engagement.partnership_id, engagement_id=engagement.id, filename="old.pdf",
                         stored_name="a" * 32, content_type="application/pdf", size=1, sha256="0" * 64,
                         uploaded_by_id=user.id, deleted_at=utcnow())
    session.add(trashed)
    session.commit()
    path = stored(storage_dir, "a" * 32)
    with app.app_context():
        report = check_files(remove=True)
    assert report.clean and path.exists()


#: a web process in miniature, killed (SIGKILL, as the out-of-memory killer does) at a crash point of an upload
CRASH = """
import io, os, signal, sys
from flask_login import login_user
from flask_migrate import upgrade
from werkzeug.datastructures import FileStorage
from crm import create_app
from crm.attachments import storage
from crm.extensions import db
from crm.storage import local
from tests.factories import Factories

database, folder, point = sys.argv[1:4]
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite:///" + database, "SECRET_KEY": "x",
                  "ATTACHMENTS_DIR": folder})
with app.app_context():
    upgrade()
    make = Factories(db.session)
    engagement = make.engagement(make.partnership())
    user = make.user("coordinator")
    with app.test_request_context():
        login_user(user)
        if point == "before-commit":
            db.session.commit = lambda: os.kill(os.getpid(), signal.SIGKILL)
        else:
            local.os.replace = lambda *args: os.kill(os.getpid(), signal.SIGKILL)
        storage.save_upload(FileStorage(io.BytesIO(b"%PDF-1.4\\n" + b"0" * 19_000_000), "big.pdf"), engagement)
        db.session.commit()
"""


@pytest.mark.parametrize("point", ["before-commit", "after-commit"])
def test_a_worker_killed_at_a_crash_point_leaves_only_what_the_check_command_repairs(tmp_path, point):
    """The process is killed between storing the file and committing its row (nothing visible: a .part file,
    which the command removes), or between the commit and the rename (the command gives the file its name)."""
    database, folder = tmp_path / "crash.sqlite3", tmp_path / "attachments"
    crashed = subprocess.run([sys.executable, "-c", CRASH, str(database), str(folder), point], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=120)
    assert crashed.returncode == -9, crashed.stderr
    left = files_in(folder)
    assert len(left) == 1 and left[0].name.endswith(".part")  # never a file under a real name without its row
    assert left[0].stat().st_size > 19_000_000

    from crm import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "x",
                      "ATTACHMENTS_DIR": str(folder)})
    with app.app_context():
        rows = db.session.scalars(db.select(Attachment)).all()
        assert len(rows) == (0 if point == "before-commit" else 1)
        result = app.test_cli_runner().invoke(args=["crm", "files", "check", "--older-than", "0", "--remove"])
        assert result.exit_code == 0, result.output
        if point == "before-commit":
            assert "removed:" in result.output and files_in(folder) == []
        else:
            assert "finished:" in result.output and files_in(folder) == [storage.attachment_path(rows[0])]
        db.engine.dispose()


def test_a_deleted_rows_file_goes_only_with_the_commit(app, make, engagement, storage_dir):
    """Deleting a document's row removes its file when that commits; rolled back, row and file both stay."""
    user_id = make.user("coordinator").id
    with app.test_request_context():
        login_user(db.session.get(User, user_id))
        attachment = storage.save_upload(FileStorage(io.BytesIO(PDF), "minutes.pdf"),
                                         db.session.get(Engagement, engagement.id))
        db.session.commit()
        path, attachment_id = storage.attachment_path(attachment), attachment.id
        storage.delete_attachment(attachment)
        assert path.exists()  # flushed, not committed
        db.session.rollback()
        assert path.exists() and db.session.get(Attachment, attachment_id) is not None
        storage.delete_attachment(db.session.get(Attachment, attachment_id))
        db.session.commit()
        assert not path.exists() and files_in(storage_dir) == []


# -- a real full disk and real read-only storage (a small tmpfs; needs root, as in the CI container) ------------

@pytest.fixture
def small_disk(app, tmp_path, monkeypatch):
    """A 256 KB file system mounted for the test, holding the attachments folder."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount_point)],
                             capture_output=True, text=True) if sys.platform.startswith("linux") else None
    if mounted is None or mounted.returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root on Linux)")
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(mount_point / "attachments"))
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def used_bytes(mount_point: Path) -> int:
    stats = os.statvfs(mount_point)
    return (stats.f_blocks - stats.f_bfree) * stats.f_frsize


def test_a_really_full_disk_refuses_the_upload_and_is_left_as_it_was(client, login, engagement, session,
                                                                       small_disk):
    login("coordinator")
    before = used_bytes(small_disk)
    response = post_file(client, engagement, content=PDF + b"0" * 1024 * 1024, name="scan.pdf",
                         follow_redirects=True)
    assert response.status_code == 200 and "the server's storage is full" in html.unescape(response.text)
    assert session.query(Attachment).count() == 0
    assert files_in(small_disk) == [] and used_bytes(small_disk) == before  # no partial file keeps it full
    small = post_file(client, engagement, follow_redirects=True)  # a file that fits still goes in
    assert "was uploaded" in html.unescape(small.text) and len(files_in(small_disk)) == 1


def test_really_read_only_storage_refuses_the_upload(client, login, engagement, session, small_disk):
    login("coordinator")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    response = post_file(client, engagement, follow_redirects=True)
    assert response.status_code == 200
    assert "the server's storage cannot be written to just now" in html.unescape(response.text)
    assert session.query(Attachment).count() == 0 and files_in(small_disk) == []


def test_a_file_left_under_its_temporary_name_after_the_commit_is_served_and_takes_its_name(
        app, client, login, make, engagement, session, storage_dir):
    """The process died between the commit and the rename: the next download finishes the rename."""
    login("coordinator")
    user = make.user("coordinator")
    attachment = Attachment(partnership_id=engagement.partnership_id, engagement_id=engagement.id,
                            filename="minutes.pdf", stored_name="c" * 32, content_type="application/pdf",
                            size=len(PDF), sha256="0" * 64, uploaded_by_id=user.id)
    session.add(attachment)
    session.commit()
    temporary = stored(storage_dir, "c" * 32 + ".part", PDF)
    response = client.get(f"/attachments/{attachment.id}")
    assert response.status_code == 200 and response.data == PDF
    response.close()
    assert files_in(storage_dir) == [temporary.with_name("c" * 32)]
