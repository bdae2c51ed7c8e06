"""Backup and restore: everything (every table, every attachment) in one archive.

`flask crm export PATH` writes a zip with one JSON document per table and the
attachment files; `flask crm import PATH` restores it into an empty database
of the same schema revision. Values are written as JSON with dates and
times in ISO 8601, so an export from SQLite restores into PostgreSQL and back.
"""
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from crm.extensions import db

FORMAT = 1


class RestoreError(RuntimeError):
    pass


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


def export_archive(path: Path) -> dict[str, int]:
    """Write every table and attachment to a zip; returns the row count per table."""
    counts = {}
    attachments_dir = Path(current_app.config["ATTACHMENTS_DIR"])
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in db.metadata.sorted_tables:
            rows = [{key: _plain(value) for key, value in row._mapping.items()}
                    for row in db.session.execute(sa.select(table).order_by(*table.primary_key.columns))]
            archive.writestr(f"tables/{table.name}.json", json.dumps(rows, ensure_ascii=False))
            counts[table.name] = len(rows)
        for file in sorted(attachments_dir.rglob("*")) if attachments_dir.exists() else []:
            if file.is_file():
                archive.write(file, f"attachments/{file.relative_to(attachments_dir).as_posix()}")
        archive.writestr("manifest.json", json.dumps({"format": FORMAT, "revision": _revision(), "tables": counts}))
    return counts


def import_archive(path: Path) -> dict[str, int]:
    """Restore an archive into an empty database; refuses a non-empty one or another schema revision."""
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        if manifest.get("format") != FORMAT or manifest.get("revision") != _revision():
            raise RestoreError(f"the archive is for schema {manifest.get('revision')}, this database is at "
                               f"{_revision()}; run `flask db upgrade` to the same revision first")
        for table in db.metadata.sorted_tables:
            if db.session.execute(sa.select(sa.func.count()).select_from(table)).scalar():
                raise RestoreError(f"the database is not empty (table {table.name} has rows)")
        counts = {}
        for table in db.metadata.sorted_tables:
            rows = json.loads(archive.read(f"tables/{table.name}.json"))
            columns = {column.name: column for column in table.columns}
            if rows:
                db.session.execute(table.insert(), [{key: _typed(columns[key], value) for key, value in row.items()}
                                                    for row in rows])
            counts[table.name] = len(rows)
        _reset_sequences()
        target = Path(current_app.config["ATTACHMENTS_DIR"])
        for name in archive.namelist():
            if name.startswith("attachments/") and not name.endswith("/"):
                relative = Path(name[len("attachments/"):])
                if relative.is_absolute() or ".." in relative.parts:
                    raise RestoreError(f"unsafe path in the archive: {name}")
                destination = target / relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(archive.read(name))
    return counts


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
