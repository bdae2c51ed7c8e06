"""Restoring a backup archive (crm.backup writes them) into an empty database, and the restore drill.

`flask crm import PATH` restores an archive into an empty database of the same
schema revision. The archive is checked whole before anything is written —
how it is packed (crm.backup_checks), then what it holds (crm.backup_contents)
— so a refused archive leaves neither rows nor files behind; the files are
then written to the file store (crm.storage: the local folder or the object
store), each whole or not at all, just before the rows commit, and a failure
anywhere removes them again. `crm import --check` runs the same checks and
stops there.
"""
import shutil
import tempfile
import zipfile
from contextlib import ExitStack
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from crm.backup_checks import Limits, RestoreError, check_archive, drain, open_archive
from crm.backup_contents import Contents, load_table, verify_contents
from crm.extensions import db
from crm.storage import Store, store
from crm.storage.local import LocalStore, UnsafeKey

#: an unpacked file is held in memory up to this size, then in a temporary file, on its way to the store
SPOOL_BYTES = 8 * 1024 * 1024


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
        _check_free_space(store(), sum(entry.file_size for entry, _ in checked.attachments))
        for table in db.metadata.sorted_tables:
            if db.session.execute(sa.select(sa.func.count()).select_from(table)).scalar():
                raise RestoreError(f"the database is not empty (table {table.name} has rows)",
                                   advice="Restore into a new database (`flask --app wsgi db upgrade` creates its "
                                          "tables).")
        files = store()
        _check_target_empty(files, checked.attachments)
        counts = {}
        later = []  # (table, rows) whose foreign keys close a cycle (use_alter): set once every table is in
        for table in db.metadata.sorted_tables:
            rows = load_table(archive, checked, table)
            cyclic = [fk.parent.name for fk in table.foreign_keys if fk.use_alter or fk.constraint.use_alter]
            if rows and cyclic and any(row.get(name) is not None for row in rows for name in cyclic):
                later.append((table, cyclic, [dict(row) for row in rows]))
                rows = [{**row, **dict.fromkeys(cyclic)} for row in rows]
            if rows:
                _insert(table, table.insert(), rows)
            counts[table.name] = len(rows)
        for table, cyclic, rows in later:  # e.g. an engagement's public photo: an attachment of that engagement
            _set_later(table, cyclic, rows)
        _reset_sequences()
        db.session.flush()
        _restore_files(files, archive, checked.attachments)
    return counts


def _set_later(table, cyclic: list[str], rows) -> None:
    """Set the cyclic foreign keys of the rows that have one, by primary key; the columns an UPDATE would stamp
    (updated_at) keep the archive's values."""
    keys = [column.name for column in table.primary_key.columns]
    kept = [column.name for column in table.columns
            if column.onupdate is not None and column.name not in cyclic and column.name not in keys]
    statement = table.update().where(*(table.c[key] == sa.bindparam(f"key_{key}") for key in keys)).values(
        {name: sa.bindparam(f"value_{name}") for name in cyclic + kept})
    values = [{**{f"key_{key}": row[key] for key in keys}, **{f"value_{name}": row.get(name) for name in cyclic + kept}}
              for row in rows if any(row.get(name) is not None for name in cyclic)]
    _insert(table, statement, values)


def _insert(table, statement, rows) -> None:
    try:
        db.session.execute(statement, rows)
    except sa.exc.StatementError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise RestoreError(f"the database refused the rows of table {table.name} ({reason})") from None


def _check_target_empty(files: Store, attachments) -> None:
    """Refuse a store that already holds a file the archive would write (or, in the folder, a link in its place)."""
    keys = {relative.as_posix() for _, relative in attachments}
    try:
        there = next((stored.key for stored in files.list("") if stored.key in keys), None)
        if there is None and isinstance(files, LocalStore):
            there = next((key for key in keys if files.path(key).is_symlink()), None)
    except UnsafeKey:
        raise RestoreError("unsafe path in the archive") from None
    except OSError as error:
        raise RestoreError(f"the file store {files.describe()} could not be read ({error.strerror or error})",
                           advice="") from None
    if there is not None:
        where = "attachments folder" if isinstance(files, LocalStore) else "object store"
        raise RestoreError(f"the {where} is not empty ({files.describe(there)} exists)",
                           advice="Restore into an empty attachments folder (CRM_ATTACHMENTS_DIR) or an empty "
                                  "bucket or prefix (CRM_S3_BUCKET, CRM_S3_PREFIX).")


def _check_free_space(files: Store, needed: int) -> None:
    """Refuse up front rather than fill the disk halfway through (a store that sets no limit: nothing to check)."""
    if not isinstance(files, LocalStore):
        return
    folder = files.root
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    if needed > free:
        raise RestoreError(f"the attachments need {needed} bytes, but the disk holding {folder} has only {free} free",
                           advice="Free some space, then restore.")


def _restore_files(files: Store, archive: zipfile.ZipFile, attachments) -> None:
    """Write every file to the store, then commit the rows: a failure anywhere removes the files already
    written, and the caller rolls the rows back."""
    written: list[str] = []
    try:
        for entry, relative in attachments:
            key = relative.as_posix()
            with tempfile.SpooledTemporaryFile(SPOOL_BYTES) as unpacked:
                drain(archive, entry, unpacked.write, 0)
                files.put(key, unpacked)
            written.append(key)
        try:
            db.session.commit()
        except sa.exc.SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            raise RestoreError(f"the database refused the restored rows ({reason})") from None
    except BaseException as error:
        for key in written:
            try:
                files.delete(key)
            except OSError:
                pass  # `crm files check` lists it
        if isinstance(error, UnsafeKey):
            raise RestoreError(f"unsafe path in the archive: {error}") from None
        if isinstance(error, OSError):  # a full disk, read-only storage, an object store that refuses
            raise RestoreError(f"the attachments could not be written to {files.describe()} "
                               f"({error.strerror or error})", advice="") from None
        raise


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
