"""What a backup archive holds, checked (crm.backup_checks checks how it is packed first).

Each table holds the rows its manifest counts, with this schema's columns;
every foreign key resolves within the archive; every attachment row has its
file with the size and SHA-256 the row records. Tables are read one at a time,
their values as the columns take them (dates and times come as ISO 8601 text);
the restore (crm.backup_restore) loads its rows the same way.
"""
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePosixPath

import sqlalchemy as sa

from crm.attachments.models import Attachment
from crm.attachments.storage import attachment_key
from crm.backup_checks import ZIP_ERRORS, CheckedArchive, RestoreError
from crm.extensions import db


def locate(row: dict) -> PurePosixPath:
    """An attachment row's key in the file store (as crm.attachments.storage names it), which is also where
    its file is in the archive, under attachments/."""
    try:
        return PurePosixPath(attachment_key(Attachment(id=row.get("id"), stored_name=row.get("stored_name"))))
    except (ValueError, TypeError):
        raise RestoreError(f"attachment {row.get('id')!r} has a stored name this CRM never makes") from None


@dataclass
class Contents:
    """What a sound archive holds."""
    rows: int
    tables: int
    files: int
    file_bytes: int
    #: files in the archive that no attachment row names (an older export copied the whole folder)
    unclaimed_files: int


def verify_contents(archive: zipfile.ZipFile, checked: CheckedArchive) -> Contents:
    """Check what the archive says, not only how it is packed: every table holds the rows its manifest counts,
    with this schema's columns; every foreign key resolves to a row in the archive; every attachment row has its
    file (at `locate(row)`) with the recorded size and SHA-256. Reads one table at a time; raises RestoreError."""
    tables = db.metadata.sorted_tables
    wanted = {(key.referred_table.name, tuple(element.column.name for element in key.elements))
              for table in tables for key in table.foreign_key_constraints}
    present: dict[tuple[str, tuple[str, ...]], set] = {}
    references: list[tuple[str, sa.ForeignKeyConstraint, set]] = []
    rows_total = files = file_bytes = 0
    claimed: set[PurePosixPath] = set()
    sizes = {relative: entry.file_size for entry, relative in checked.attachments}
    for table in tables:
        rows = load_table(archive, checked, table)
        rows_total += len(rows)
        for referred, columns in wanted:
            if referred == table.name:
                present[(referred, columns)] = {tuple(row[column] for column in columns) for row in rows}
        for key in table.foreign_key_constraints:
            values = {tuple(row[column.name] for column in key.columns) for row in rows}
            references.append((table.name, key, {value for value in values if None not in value}))
        if table.name == "attachments":
            for row in rows:
                relative = locate(row)
                digest, entry_size = checked.digests.get(relative), sizes.get(relative)
                if digest is None:
                    raise RestoreError(f"the archive is incomplete: the file of attachment {row['id']} "
                                       f"({relative}) is missing")
                if digest != row["sha256"] or entry_size != row["size"]:
                    raise RestoreError(f"the file of attachment {row['id']} ({relative}) is not the one its row "
                                       "records (size or SHA-256 differ)")
                claimed.add(relative)
                files += 1
                file_bytes += entry_size
    for table_name, key, values in references:
        referred = (key.referred_table.name, tuple(element.column.name for element in key.elements))
        dangling = values - present[referred]
        if dangling:
            columns = ", ".join(column.name for column in key.columns)
            raise RestoreError(f"the archive is inconsistent: {len(dangling)} row(s) of {table_name} refer "
                               f"through {columns} to {key.referred_table.name} rows it does not hold, "
                               f"e.g. {min(dangling, key=repr)}")
    return Contents(rows_total, len(tables), files, file_bytes, len(checked.digests.keys() - claimed))


def load_table(archive: zipfile.ZipFile, checked: CheckedArchive, table: sa.Table) -> list[dict]:
    """One table's rows, each a dict of this schema's columns with values as the columns take them, as many as
    the manifest counts."""
    try:
        with archive.open(checked.tables[table.name]) as stream:
            rows = json.load(stream)
    except ZIP_ERRORS as error:
        raise RestoreError(f"the archive's table {table.name} is damaged ({error})") from None
    if not isinstance(rows, list) or len(rows) != checked.counts.get(table.name):
        raise RestoreError(f"the archive's table {table.name} does not hold the rows its manifest counts")
    columns = {column.name: column for column in table.columns}
    for row in rows:
        if not isinstance(row, dict) or row.keys() != columns.keys():
            raise RestoreError(f"the archive's table {table.name} is damaged (a row without this schema's columns)")
    try:
        return [{key: typed_value(columns[key], value) for key, value in row.items()} for row in rows]
    except (ValueError, TypeError) as error:
        raise RestoreError(f"the archive's table {table.name} is damaged ({error})") from None


def typed_value(column: sa.Column, value):
    """A value as JSON holds it, as the column takes it (dates and times come as ISO 8601 text)."""
    if value is None:
        return None
    kind = column.type.impl if isinstance(column.type, sa.types.TypeDecorator) else column.type
    if isinstance(kind, sa.DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, sa.Date):
        return date.fromisoformat(value)
    return value
