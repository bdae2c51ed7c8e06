"""Backup: everything (every table, every attachment, every city's emblem) in one archive.

`flask crm export PATH` writes a zip with one JSON document per table and the
attachment files; `flask crm import PATH` restores it into an empty database
of the same schema revision (crm.backup_restore). Values are written as JSON
with dates and times in ISO 8601, so an export from SQLite restores into
PostgreSQL and back.

The archive holds password hashes, two-factor secrets and session tokens: it is
written readable by its owner only (0600), and sealed with a passphrase on
request (crm.backup_encryption). Every table is read in one snapshot (one
read-only transaction, as `pg_dump` does), the attachments are the files of the
attachment rows in it, and the export checks the archive it wrote, as a restore
would, before it succeeds: how it is packed — entry names, entry count, sizes
and compression ratios, from the zip headers and again while reading, since
headers can lie (crm.backup_checks) — and what it holds — row counts,
references and checksums (crm.backup_contents).
"""
import hashlib
import json
import os
import sqlite3
import stat
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app

from crm.attachments.models import Attachment
from crm.backup_checks import FORMAT, RAISE_LIMITS, READ_CHUNK, Limits, RestoreError, check_archive, open_archive
from crm.backup_contents import locate, verify_contents
from crm.backup_encryption import EncryptingWriter
from crm.cities.emblems import emblem_key
from crm.cities.models import City
from crm.extensions import db
from crm.storage import Opened, StorageError, Store, store

#: how long the export waits for a transaction deleting an attachment whose file has gone
DELETE_WAIT_SECONDS = 30


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class ExportError(RuntimeError):
    """The export wrote no archive; the message says why."""


@contextmanager
def _snapshot() -> Iterator[sa.Connection]:
    """One connection and one read-only transaction for the whole export, as `pg_dump` takes: every table is read
    from the same snapshot, so a row and the rows it refers to are either both in the archive or both not.
    PostgreSQL: REPEATABLE READ, READ ONLY. SQLite: one read transaction (crm.database begins it; WAL mode lets
    writers go on meanwhile)."""
    bind = db.engine
    if isinstance(bind, sa.Connection):  # the caller already holds one connection in one transaction (the tests)
        yield bind
        return
    with bind.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with connection.begin():
            yield connection


def export_archive(path: Path, passphrase: str | None = None) -> dict[str, int]:
    """Write every table and attachment to a zip (sealed when a passphrase is given); returns the rows per table.

    All tables come from one snapshot, the attachments are the files of the attachment rows in it, and the
    archive is checked whole (crm.backup_checks: counts, references, checksums) before the export succeeds;
    raises ExportError otherwise. The archive is written under a temporary name created 0600, then renamed: it is
    never readable by others, even for a moment, and a failed export leaves no partial file.
    """
    path = Path(path)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            if passphrase:
                sealed = EncryptingWriter(file, passphrase)
                counts = _write_zip(sealed)
                sealed.close()
            else:
                counts = _write_zip(file)
            file.flush()
            os.fsync(file.fileno())
        _check_written(Path(temporary), passphrase, Limits.from_config(current_app.config))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return counts


def _write_zip(target: BinaryIO) -> dict[str, int]:
    counts, attachments, emblems = {}, [], []
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with _snapshot() as connection:
            revision = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            for table in db.metadata.sorted_tables:
                rows = [{key: _plain(value) for key, value in row._mapping.items()}
                        for row in connection.execute(sa.select(table).order_by(*table.primary_key.columns))]
                if table.name == Attachment.__tablename__:
                    attachments = rows
                else:
                    if table.name == City.__tablename__:
                        emblems = [row["emblem_name"] for row in rows if row.get("emblem_name")]
                    archive.writestr(f"tables/{table.name}.json", json.dumps(rows, ensure_ascii=False))
                counts[table.name] = len(rows)
        # Files live outside the database: one deleted since the snapshot is left out with its row, as if
        # deleted just before it (no table refers to attachments, so the archive still holds together).
        kept = [row for row in attachments if _write_file(archive, row)]
        for name in emblems:  # the cities' emblems, restored beside the attachments (attachments/emblems/<name>)
            _write_emblem(archive, name)
        archive.writestr(f"tables/{Attachment.__tablename__}.json", json.dumps(kept, ensure_ascii=False))
        counts[Attachment.__tablename__] = len(kept)
        archive.writestr("manifest.json", json.dumps({"format": FORMAT, "revision": revision, "tables": counts}))
    return counts


def _open(files: Store, key: str) -> Opened:
    """A committed row's file; a local one the process that stored it had no time to rename is read under its
    temporary name (crm.storage.transactions publishes after the commit). FileNotFoundError when there is none."""
    try:
        return files.open(key)
    except FileNotFoundError:
        if not files.staged_suffix:
            raise
        return files.open(files.staged_key(key))


def _read(opened: Opened, files: Store, key: str) -> bytes:
    try:
        return opened.read(READ_CHUNK)
    except StorageError as error:  # an object store that stops answering halfway
        raise ExportError(f"{files.describe(key)} could not be read ({error.strerror or error})") from None


def _entry(name: str, opened: Opened) -> zipfile.ZipInfo:
    """An archive entry for a stored file, dated as the file is (read 0600 by whoever unpacks it)."""
    entry = zipfile.ZipInfo(name, time.localtime(max(opened.modified.timestamp(), 315532800))[:6])  # zip: >= 1980
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = (stat.S_IFREG | 0o600) << 16
    return entry


def _write_emblem(archive: zipfile.ZipFile, name: str) -> None:
    """Copy a city's emblem into the archive; one missing (never published, or removed since the snapshot) is left
    out: the city then prints without it."""
    key = emblem_key(name)
    if key is None:
        return
    files = store()
    try:
        opened = _open(files, key)
    except FileNotFoundError:
        return
    except StorageError as error:
        raise ExportError(f"the emblem {files.describe(key)} could not be read ({error.strerror or error})") from None
    with opened, archive.open(_entry(f"attachments/{key}", opened), "w") as out:
        while chunk := _read(opened, files, key):
            out.write(chunk)


def _write_file(archive: zipfile.ZipFile, row: dict) -> bool:
    """Copy an attachment row's file into the archive, holding it to the size and SHA-256 its row records;
    False when the file and its row were deleted since the snapshot. Raises ExportError for a lost file."""
    try:
        key = locate(row).as_posix()
    except RestoreError as error:
        raise ExportError(f"{error}; delete that document") from None
    files = store()
    digest, size = hashlib.sha256(), 0
    try:
        opened = _open(files, key)
    except FileNotFoundError:
        if _deleted_since_snapshot(row["id"]):
            return False
        raise ExportError(f"the file of attachment {row['id']} ({files.describe(key)}) is missing; restore it from "
                          "an earlier backup or delete that document (`crm files check` lists them all)") from None
    except StorageError as error:
        raise ExportError(f"the file of attachment {row['id']} ({files.describe(key)}) could not be read "
                          f"({error.strerror or error})") from None
    with opened, archive.open(_entry(f"attachments/{key}", opened), "w", force_zip64=row["size"] > 1024 ** 3) as out:
        while chunk := _read(opened, files, key):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    if size != row["size"] or digest.hexdigest() != row["sha256"]:
        raise ExportError(f"the file of attachment {row['id']} ({files.describe(key)}) is not the one its row "
                          "records (size or SHA-256 differ); restore it from an earlier backup or delete that "
                          "document")
    return True


def _deleted_since_snapshot(attachment_id: int) -> bool:
    """Whether an attachment row is gone from the live database, once any transaction deleting it has ended
    (crm.attachments.storage removes a file when its deletion commits; waiting costs nothing if it ever does so
    earlier)."""
    table = Attachment.__table__
    bind = db.engine
    if isinstance(bind, sa.Connection):  # the tests' single connection: nothing else can be deleting it
        return bind.execute(sa.select(table.c.id).where(table.c.id == attachment_id)).first() is None
    if bind.dialect.name == "postgresql":
        with bind.connect() as connection, connection.begin():
            connection.execute(sa.text(f"SET LOCAL lock_timeout = '{DELETE_WAIT_SECONDS}s'"))
            try:  # FOR SHARE waits for a transaction that deletes the row
                return connection.execute(sa.select(table.c.id).where(table.c.id == attachment_id)
                                          .with_for_update(read=True)).first() is None
            except sa.exc.OperationalError:
                return False
    raw = bind.raw_connection()  # SQLite: holding the write lock, no deleting transaction is under way
    cursor = raw.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {DELETE_WAIT_SECONDS * 1000}")
        cursor.execute("BEGIN IMMEDIATE")
        cursor.execute(f"SELECT 1 FROM {table.name} WHERE id = ?", (attachment_id,))
        return cursor.fetchone() is None
    except sqlite3.OperationalError:
        return False
    finally:
        raw.rollback()
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.close()
        raw.close()


def _check_written(path: Path, passphrase: str | None, limits: Limits) -> None:
    """The archive just written, checked as a restore would check it."""
    try:
        with ExitStack() as stack:
            archive = open_archive(path, passphrase, stack)
            revision = json.loads(archive.read("manifest.json"))["revision"]
            verify_contents(archive, check_archive(archive, limits, revision))
    except RestoreError as error:
        advice = error.advice if error.advice == RAISE_LIMITS else "Run the export again; report it if it fails again."
        raise ExportError(f"the archive failed its own check: {error}. {advice.rstrip('.')}") from None

