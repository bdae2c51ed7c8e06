"""A backup taken while people save records restores: the export reads every table in one snapshot, and takes
the files of the attachment rows in that snapshot (issue 26, item 1)."""
import hashlib
import json
import os
import secrets
import shutil
import threading
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from crm.attachments.models import Attachment
from crm.attachments.storage import attachment_path, temporary_path
from crm.backup import export_archive
from crm.backup_restore import import_archive
from crm.contacts.models import Contact, Organization, OrganizationKind
from crm.extensions import db
from crm.partnerships.models import Side
from tests.factories import Factories
from tests.test_backup import PDF, attach, empty_database_app

ARCHIVES = 10


class Writer(threading.Thread):
    """Saves as fast as it can on its own connection: each transaction an organization and a contact that
    refers to it; every 4th also a new attachment and every 6th deletes one, as crm.attachments.storage does
    (a new file is written under its temporary name and takes its name after the commit; a deleted one is
    removed after the commit)."""

    def __init__(self, app, partnership_id: int):
        super().__init__(daemon=True)
        self.app, self.partnership_id = app, partnership_id
        self.stop, self.transactions, self.error = threading.Event(), 0, None
        with app.app_context():
            self.engine = db.engine

    def run(self):
        try:
            with self.app.app_context():
                attachments: list[tuple[int, Path]] = []
                n = 0
                while not self.stop.is_set():
                    n += 1
                    published, removed = None, None
                    with self.engine.begin() as conn:
                        organization = conn.execute(sa.insert(Organization.__table__).values(
                            partnership_id=self.partnership_id, side=Side.PARTNER, name=f"Org {n}",
                            kind=OrganizationKind.UNIVERSITY).returning(Organization.__table__.c.id)).scalar_one()
                        conn.execute(sa.insert(Contact.__table__).values(
                            partnership_id=self.partnership_id, side=Side.PARTNER, name=f"Contact {n}",
                            organization_id=organization))
                        if n % 4 == 0:
                            data = PDF + str(n).encode()
                            row = {"partnership_id": self.partnership_id, "filename": f"{n}.pdf",
                                   "stored_name": secrets.token_hex(16), "content_type": "application/pdf",
                                   "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                            path = attachment_path(Attachment(**row))
                            path.parent.mkdir(parents=True, exist_ok=True)
                            temporary_path(path).write_bytes(data)
                            attachments.append((conn.execute(sa.insert(Attachment.__table__).values(**row).returning(
                                Attachment.__table__.c.id)).scalar_one(), path))
                            published = path
                        if n % 6 == 0 and len(attachments) > 1:
                            gone, removed = attachments.pop(0)
                            conn.execute(sa.delete(Attachment.__table__).where(Attachment.__table__.c.id == gone))
                    if published:
                        os.replace(temporary_path(published), published)
                    if removed:
                        removed.unlink()
                    self.transactions += 1
        except BaseException as error:  # noqa: BLE001 (reported by the test)
            self.error = error


def widen_the_window(app, writer: Writer) -> None:
    """Once the export has read the organizations, it waits for the writer to commit twice more: an export
    reading each table in a snapshot of its own would then always find contacts whose organization it missed."""
    def after_read(conn, cursor, statement, parameters, context, executemany):
        if threading.current_thread() is not writer and statement.lstrip().startswith("SELECT") \
                and "FROM organizations" in statement:
            seen, deadline = writer.transactions, time.monotonic() + 5
            while writer.transactions < seen + 2 and writer.is_alive() and time.monotonic() < deadline:
                time.sleep(0.002)

    with app.app_context():
        event.listen(db.engine, "after_cursor_execute", after_read)


def test_archives_taken_while_records_are_saved_all_restore(app, tmp_path):
    with empty_database_app(app, tmp_path, "writes") as source, empty_database_app(app, tmp_path) as target:
        with source.app_context():
            session = Session(db.engine, expire_on_commit=False)
            make = Factories(session)
            make.user()
            attach(source, make, PDF)
            partnership_id = make.partnership().id
            session.close()
        writer = Writer(source, partnership_id)
        widen_the_window(source, writer)
        writer.start()
        archives, during, seconds = [], [], []
        try:
            for n in range(ARCHIVES):
                before = writer.transactions
                while writer.transactions < before + 3 and writer.is_alive():
                    time.sleep(0.005)  # the writer is under way before the export starts
                started = time.monotonic()
                with source.app_context():
                    export_archive(tmp_path / f"{n}.zip")
                seconds.append(time.monotonic() - started)
                during.append(writer.transactions - before)
                archives.append(tmp_path / f"{n}.zip")
        finally:
            writer.stop.set()
            writer.join(timeout=30)
        assert writer.error is None, writer.error
        assert min(during) > 3, f"the writer saved {during} transactions during the exports: no overlap"

        restored, rows, files = 0, 0, 0
        for archive in archives:
            with zipfile.ZipFile(archive) as opened:
                manifest = json.loads(opened.read("manifest.json"))
            with target.app_context():
                counts = import_archive(archive)
                assert counts == manifest["tables"]
                assert counts["contacts"] == counts["organizations"]
                # every contact's organization came along; every attachment row has its file, and no other file
                assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact).where(
                    Contact.organization_id.not_in(sa.select(Organization.id)))) == 0
                folder = Path(target.config["ATTACHMENTS_DIR"])
                on_disk = {path.name for path in folder.rglob("*") if path.is_file()}
                assert on_disk == set(db.session.scalars(sa.select(Attachment.stored_name)))
                restored += 1
                rows += sum(counts.values())
                files += len(on_disk)
                for table in reversed(db.metadata.sorted_tables):  # empty again for the next archive
                    db.session.execute(table.delete())
                db.session.commit()
                shutil.rmtree(folder)
        assert restored == ARCHIVES
        print(f"\n[{app.config['DB_LANE']}] {restored} of {ARCHIVES} archives taken under writes restored: "
              f"{rows} rows and {files} files in all; {sum(during)} writer transactions during the exports "
              f"({min(during)}–{max(during)} each); export {min(seconds):.2f}–{max(seconds):.2f} s; "
              f"{os.path.getsize(archives[-1])} bytes the last archive")


def test_a_file_committed_but_not_yet_renamed_is_exported_under_its_name(app, make, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "files"))
    stored = attach(app, make, PDF)
    os.replace(stored, temporary_path(stored))  # the row committed; the rename after the commit has not happened
    archive = tmp_path / "backup.zip"
    result = app.test_cli_runner().invoke(args=["crm", "export", str(archive)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(archive) as opened:
        assert opened.read(f"attachments/{stored.relative_to(tmp_path / 'files').as_posix()}") == PDF
    assert not stored.exists()  # the export only reads


def test_an_attachment_deleted_after_the_snapshot_is_left_out_with_its_row(app, make, session, tmp_path,
                                                                           monkeypatch):
    import crm.backup

    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "files"))
    kept, deleted = attach(app, make, PDF, "kept.pdf"), attach(app, make, PDF + b"2", "deleted.pdf")
    snapshot_of = crm.backup._snapshot

    @contextmanager
    def then_delete():
        with snapshot_of() as connection:
            yield connection
        session.execute(sa.delete(Attachment).where(Attachment.filename == "deleted.pdf"))
        session.commit()
        deleted.unlink()  # as crm.attachments.storage does once the deletion has committed

    monkeypatch.setattr(crm.backup, "_snapshot", then_delete)
    archive = tmp_path / "backup.zip"
    result = app.test_cli_runner().invoke(args=["crm", "export", str(archive)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(archive) as opened:
        rows = json.loads(opened.read("tables/attachments.json"))
        files = [name for name in opened.namelist() if name.startswith("attachments/")]
        assert json.loads(opened.read("manifest.json"))["tables"]["attachments"] == 1
    assert [row["filename"] for row in rows] == ["kept.pdf"]
    assert files == [f"attachments/{kept.relative_to(tmp_path / 'files').as_posix()}"]


def test_the_export_reads_in_one_read_only_snapshot(app, tmp_path):
    import crm.backup

    with empty_database_app(app, tmp_path, "writes") as source, source.app_context():
        with crm.backup._snapshot() as connection:
            if app.config["DB_LANE"] == "postgresql":
                assert connection.execute(sa.text("SHOW transaction_isolation")).scalar() == "repeatable read"
                assert connection.execute(sa.text("SHOW transaction_read_only")).scalar() == "on"
            else:
                connection.execute(sa.text("SELECT count(*) FROM users"))
                assert connection.connection.dbapi_connection.in_transaction
