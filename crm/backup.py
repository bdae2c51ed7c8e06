"""Backup and restore: everything (every table, every attachment) in one archive.

`flask crm export PATH` writes a zip with one JSON document per table and the
attachment files; `flask crm import PATH` restores it into an empty database
of the same schema revision. Values are written as JSON with dates and
times in ISO 8601, so an export from SQLite restores into PostgreSQL and back.

The archive holds password hashes, two-factor secrets and session tokens: it is
written readable by its owner only (0600), and sealed with a passphrase on
request (crm.backup_encryption). An archive to restore is checked whole before
anything is written — entry names, entry count, sizes and compression ratios,
from the zip headers and again while reading, since headers can lie — so a
refused archive leaves neither rows nor files behind.
"""
import json
import os
import shutil
import tempfile
import zipfile
from contextlib import ExitStack
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app

from crm.backup_checks import FORMAT, Limits, RestoreError, check_archive, drain
from crm.backup_encryption import DecryptionError, EncryptingWriter, WrongPassphrase, decrypt, is_encrypted
from crm.extensions import db


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _typed(column: sa.Column, value):
    if value is None:
        return None
    kind = column.type.impl if isinstance(column.type, sa.types.TypeDecorator) else column.type
    if isinstance(kind, sa.DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, sa.Date):
        return date.fromisoformat(value)
    return value


def _revision() -> str | None:
    return db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def export_archive(path: Path, passphrase: str | None = None) -> dict[str, int]:
    """Write every table and attachment to a zip (sealed when a passphrase is given); returns the rows per table.

    The archive is written under a temporary name created 0600, then renamed: it is never readable by others,
    even for a moment, and a failed export leaves no partial file.
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
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return counts


def _write_zip(target: BinaryIO) -> dict[str, int]:
    counts = {}
    attachments_dir = Path(current_app.config["ATTACHMENTS_DIR"])
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in db.metadata.sorted_tables:
            rows = [{key: _plain(value) for key, value in row._mapping.items()}
                    for row in db.session.execute(sa.select(table).order_by(*table.primary_key.columns))]
            archive.writestr(f"tables/{table.name}.json", json.dumps(rows, ensure_ascii=False))
            counts[table.name] = len(rows)
        for file in sorted(attachments_dir.rglob("*")) if attachments_dir.exists() else []:
            if file.is_file() and not file.is_symlink():
                archive.write(file, f"attachments/{file.relative_to(attachments_dir).as_posix()}")
        archive.writestr("manifest.json", json.dumps({"format": FORMAT, "revision": _revision(), "tables": counts}))
    return counts


def import_archive(path: Path, passphrase: str | None = None, limits: Limits | None = None) -> dict[str, int]:
    """Restore an archive into an empty database; refuses a non-empty one, another schema revision,
    and any archive that breaks the limits — before writing a row or a file."""
    limits = limits or Limits.from_config(current_app.config)
    with ExitStack() as stack:
        archive = _open_zip(Path(path), passphrase, stack)
        checked = check_archive(archive, limits, _revision())
        _check_free_space(sum(entry.file_size for entry, _ in checked.attachments))
        for table in db.metadata.sorted_tables:
            if db.session.execute(sa.select(sa.func.count()).select_from(table)).scalar():
                raise RestoreError(f"the database is not empty (table {table.name} has rows)")
        counts = {}
        for table in db.metadata.sorted_tables:
            try:
                with archive.open(checked.tables[table.name]) as stream:
                    rows = json.load(stream)
            except (ValueError, zipfile.BadZipFile) as error:
                raise RestoreError(f"the archive's table {table.name} is damaged ({error})") from None
            if not isinstance(rows, list) or len(rows) != checked.counts.get(table.name):
                raise RestoreError(f"the archive's table {table.name} does not hold the rows its manifest counts")
            columns = {column.name: column for column in table.columns}
            if rows:
                db.session.execute(table.insert(), [{key: _typed(columns[key], value) for key, value in row.items()}
                                                    for row in rows])
            counts[table.name] = len(rows)
        _reset_sequences()
        db.session.flush()
        _restore_files(archive, checked.attachments)
    return counts


def _open_zip(path: Path, passphrase: str | None, stack: ExitStack) -> zipfile.ZipFile:
    """The archive as a zip; a sealed one is opened into an unnamed temporary file (0600, gone when closed)."""
    source = path
    if is_encrypted(path):
        if not passphrase:
            raise RestoreError("the archive is encrypted: give its passphrase")
        plain = stack.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 (closed by the stack)
        try:
            with open(path, "rb") as sealed:
                decrypt(sealed, plain, passphrase)
        except WrongPassphrase:
            raise RestoreError("wrong passphrase: the archive cannot be opened with it; nothing was restored") from None
        except DecryptionError as error:
            raise RestoreError(f"the encrypted archive is damaged ({error}); nothing was restored") from None
        plain.seek(0)
        source = plain
    try:
        return stack.enter_context(zipfile.ZipFile(source))
    except (zipfile.BadZipFile, OSError) as error:
        raise RestoreError(f"this is not an archive made by `crm export`, or it is damaged ({error})") from None


def _check_free_space(needed: int) -> None:
    """Refuse up front rather than fill the disk halfway through."""
    folder = Path(current_app.config["ATTACHMENTS_DIR"])
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    if needed > free:
        raise RestoreError(f"the attachments need {needed} bytes, but the disk holding {folder} has only {free} free")


def _restore_files(archive: zipfile.ZipFile, attachments) -> None:
    """Unpack into a hidden folder beside the attachments, then move into place: a failure leaves no file."""
    target = Path(current_app.config["ATTACHMENTS_DIR"])
    target.mkdir(parents=True, exist_ok=True)
    root = target.resolve()
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.restore-"))
    moved: list[Path] = []
    try:
        for entry, relative in attachments:
            destination = target / relative
            if not destination.parent.resolve().is_relative_to(root) or destination.is_symlink():
                raise RestoreError(f"unsafe path in the archive: {entry.filename!r}")
            staged = staging / relative
            staged.parent.mkdir(parents=True, exist_ok=True)
            with open(staged, "xb") as file:
                drain(archive, entry, file.write, 0)
        for entry, relative in attachments:
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / relative, destination)
            moved.append(destination)
    except BaseException as error:
        for file in moved:
            file.unlink(missing_ok=True)
        if isinstance(error, OSError):  # a full disk, read-only storage: a message, not a traceback
            raise RestoreError(f"the attachments could not be written to {target} ({error.strerror or error})") \
                from None
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _reset_sequences() -> None:
    """PostgreSQL's id sequences continue after the restored ids."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        key = list(table.primary_key.columns)
        if len(key) == 1 and isinstance(key[0].type, sa.Integer) and key[0].autoincrement is not False:
            db.session.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{key[0].name}'), "
                f"coalesce((SELECT max({key[0].name}) FROM {table.name}), 0) + 1, false) "
                f"WHERE pg_get_serial_sequence('{table.name}', '{key[0].name}') IS NOT NULL"))
