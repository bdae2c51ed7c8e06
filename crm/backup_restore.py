"""Restoring a backup archive (crm.backup writes them) into an empty database, and the restore drill.

`flask crm import PATH` restores an archive into an empty database of the same
schema revision. The archive is checked whole before anything is written —
how it is packed (crm.backup_checks), then what it holds (crm.backup_contents)
— so a refused archive leaves neither rows nor files behind; the files are
unpacked beside the attachments folder and moved into place, and a failure
anywhere removes them again. `crm import --check` runs the same checks and
stops there.
"""
import os
import shutil
import tempfile
import zipfile
from contextlib import ExitStack, suppress
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from crm.backup_checks import Limits, RestoreError, check_archive, drain, open_archive
from crm.backup_contents import Contents, load_table, verify_contents
from crm.extensions import db


def _revision() -> str | None:
    """The schema revision of the database restored into; None when it was never upgraded."""
    connection = db.session.connection()
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def check_archive_file(path: Path, passphrase: str | None = None, limits: Limits | None = None) -> Contents:
    """Check an archive as completely as a restore would, against this database's schema revision, and write
    nothing (a restore drill): raises RestoreError, else says what the archive holds."""
    limits = limits or Limits.from_config(current_app.config)
    with ExitStack() as stack:
        archive = open_archive(Path(path), passphrase, stack)
        return verify_contents(archive, check_archive(archive, limits, _revision()))


def import_archive(path: Path, passphrase: str | None = None, limits: Limits | None = None) -> dict[str, int]:
    """Restore an archive into an empty database, and commit; refuses a non-empty one, another schema revision,
    and any archive that breaks the limits or does not hold together (crm.backup_checks, crm.backup_contents) —
    before writing a row or a file. Raises RestoreError, with the session to be rolled back."""
    limits = limits or Limits.from_config(current_app.config)
    with ExitStack() as stack:
        archive = open_archive(Path(path), passphrase, stack)
        checked = check_archive(archive, limits, _revision())
        verify_contents(archive, checked)
        _check_free_space(sum(entry.file_size for entry, _ in checked.attachments))
        for table in db.metadata.sorted_tables:
            if db.session.execute(sa.select(sa.func.count()).select_from(table)).scalar():
                raise RestoreError(f"the database is not empty (table {table.name} has rows)",
                                   advice="Restore into a new database (`flask --app wsgi db upgrade` creates its "
                                          "tables).")
        target = Path(current_app.config["ATTACHMENTS_DIR"])
        for _, relative in checked.attachments:
            if (target / relative).exists() or (target / relative).is_symlink():
                raise RestoreError(f"the attachments folder is not empty ({target / relative} exists)",
                                   advice="Restore into an empty attachments folder (CRM_ATTACHMENTS_DIR).")
        counts = {}
        for table in db.metadata.sorted_tables:
            rows = load_table(archive, checked, table)
            if rows:
                try:
                    db.session.execute(table.insert(), rows)
                except sa.exc.StatementError as error:
                    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
                    raise RestoreError(f"the database refused the rows of table {table.name} ({reason})") from None
            counts[table.name] = len(rows)
        _reset_sequences()
        db.session.flush()
        _restore_files(archive, checked.attachments)
    return counts


def _check_free_space(needed: int) -> None:
    """Refuse up front rather than fill the disk halfway through."""
    folder = Path(current_app.config["ATTACHMENTS_DIR"])
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    if needed > free:
        raise RestoreError(f"the attachments need {needed} bytes, but the disk holding {folder} has only {free} free",
                           advice="Free some space, then restore.")


def _restore_files(archive: zipfile.ZipFile, attachments) -> None:
    """Unpack into a hidden folder beside the attachments, move into place, then commit the rows: a failure
    anywhere removes the files already moved, and the caller rolls the rows back."""
    target = Path(current_app.config["ATTACHMENTS_DIR"])
    created: list[Path] = []  # folders made here, removed again on failure
    _make_folder(target, created)
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
            _make_folder(destination.parent, created)
            os.replace(staging / relative, destination)
            moved.append(destination)
        try:
            db.session.commit()
        except sa.exc.SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            raise RestoreError(f"the database refused the restored rows ({reason})") from None
    except BaseException as error:
        for file in moved:
            file.unlink(missing_ok=True)
        for folder in reversed(created):
            with suppress(OSError):
                folder.rmdir()
        if isinstance(error, OSError):  # a full disk, read-only storage: a message, not a traceback
            raise RestoreError(f"the attachments could not be written to {target} ({error.strerror or error})",
                               advice="") from None
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _make_folder(folder: Path, created: list[Path]) -> None:
    """mkdir -p, noting each folder it makes (outermost first)."""
    missing = [parent for parent in [folder, *folder.parents] if not parent.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    created.extend(reversed(missing))


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
