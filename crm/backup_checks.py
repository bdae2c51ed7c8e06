"""Checking a backup archive before anything is restored from it (crm.backup).

Every entry's name, the number of entries, each entry's size and compression
ratio and the total size are read from the zip headers; then every byte is
read once, held to what its header declares, since headers can lie. Nothing
is written while checking: a refused archive leaves neither rows nor files.
"""
import json
import stat
import zipfile
from dataclasses import dataclass, fields
from pathlib import PurePosixPath

from crm.extensions import db

FORMAT = 1
READ_CHUNK = 64 * 1024
MANIFEST_MAX_BYTES = 1024 * 1024


class RestoreError(RuntimeError):
    def __init__(self, message: str, bytes_read: int = 0):
        super().__init__(message)
        #: decompressed bytes read before the refusal (the tests hold memory and disk use to this)
        self.bytes_read = bytes_read


@dataclass(frozen=True)
class Limits:
    """What an archive to restore may hold; each can be raised with a BACKUP_MAX_* setting."""
    entries: int = 200_000
    #: one attachment, uncompressed (streamed to disk, never held in memory)
    entry_bytes: int = 1024 ** 3
    #: one table's JSON, uncompressed (parsed in memory)
    table_bytes: int = 256 * 1024 ** 2
    total_bytes: int = 64 * 1024 ** 3
    #: uncompressed / compressed size, for entries larger than ratio_from_bytes
    ratio: int = 200
    ratio_from_bytes: int = 1024 ** 2

    @classmethod
    def from_config(cls, config) -> "Limits":
        return cls(**{field.name: int(config[f"BACKUP_MAX_{field.name.upper()}"]) for field in fields(cls)
                      if f"BACKUP_MAX_{field.name.upper()}" in config})


@dataclass
class CheckedArchive:
    tables: dict[str, zipfile.ZipInfo]
    attachments: list[tuple[zipfile.ZipInfo, PurePosixPath]]
    declared_bytes: int
    bytes_read: int
    #: rows per table, as the manifest counts them
    counts: dict[str, int]


def check_archive(archive: zipfile.ZipFile, limits: Limits, revision: str | None) -> CheckedArchive:
    """Check every entry of an archive for a database at `revision`, writing nothing; raises RestoreError."""
    entries = archive.infolist()
    if len(entries) > limits.entries:
        raise RestoreError(f"the archive has {len(entries)} entries, more than the {limits.entries} allowed")
    table_names = {table.name for table in db.metadata.sorted_tables}
    tables, attachments, seen, declared = {}, [], set(), 0
    manifest = None
    for entry in entries:
        kind, relative = _entry_kind(entry, table_names)
        if entry.filename in seen:
            raise RestoreError(f"the archive holds {entry.filename!r} twice")
        seen.add(entry.filename)
        if kind == "folder":
            continue
        if entry.flag_bits & 0x1 or entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise RestoreError(f"the entry {entry.filename!r} is stored in a way `crm export` never uses")
        limit = limits.entry_bytes if kind == "attachment" else (
            MANIFEST_MAX_BYTES if kind == "manifest" else limits.table_bytes)
        if entry.file_size > limit:
            raise RestoreError(f"the entry {entry.filename!r} unpacks to {entry.file_size} bytes, "
                               f"more than the {limit} allowed")
        if entry.file_size > limits.ratio_from_bytes and entry.file_size > limits.ratio * max(entry.compress_size, 1):
            raise RestoreError(f"the entry {entry.filename!r} is compressed {entry.file_size // max(entry.compress_size, 1)}"
                               f" times, more than the {limits.ratio} allowed (a zip bomb?)")
        declared += entry.file_size
        if declared > limits.total_bytes:
            raise RestoreError(f"the archive unpacks to more than the {limits.total_bytes} bytes allowed")
        if kind == "manifest":
            manifest = entry
        elif kind == "table":
            tables[relative] = entry
        else:
            attachments.append((entry, relative))
    if manifest is None or set(tables) != table_names:
        missing = sorted(table_names - set(tables)) or ["manifest.json"]
        raise RestoreError(f"the archive is incomplete: {', '.join(missing)} missing")
    counts = _check_manifest(archive, manifest, revision)
    # the headers passed; now read every byte, since headers can lie (a CRC or size mismatch is refused too)
    bytes_read = 0
    for entry in [manifest, *tables.values(), *(entry for entry, _ in attachments)]:
        bytes_read += drain(archive, entry, lambda chunk: None, bytes_read)
    return CheckedArchive(tables, attachments, declared, bytes_read, counts)


def _entry_kind(entry: zipfile.ZipInfo, table_names: set[str]) -> tuple[str, object]:
    name = entry.filename
    file_type = stat.S_IFMT(entry.external_attr >> 16)
    if file_type not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise RestoreError(f"the entry {name!r} is a link or a special file; refused")
    parts = name.removesuffix("/").split("/")
    if ("\\" in name or ":" in parts[0] or name.startswith("/")
            or any(part in ("", ".", "..") for part in parts) or any(ord(c) < 32 for c in name)):
        raise RestoreError(f"unsafe path in the archive: {name!r}")
    if entry.is_dir() or file_type == stat.S_IFDIR:
        if parts[0] == "attachments":
            return "folder", None
    elif name == "manifest.json":
        return "manifest", None
    elif len(parts) == 2 and parts[0] == "tables" and parts[1].removesuffix(".json") in table_names \
            and parts[1].endswith(".json"):
        return "table", parts[1].removesuffix(".json")
    elif len(parts) >= 2 and parts[0] == "attachments":
        return "attachment", PurePosixPath(*parts[1:])
    raise RestoreError(f"the entry {name!r} is not part of an archive made by `crm export`")


def _check_manifest(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, revision: str | None) -> dict[str, int]:
    chunks = []
    drain(archive, entry, chunks.append, 0)
    try:
        manifest = json.loads(b"".join(chunks))
    except ValueError:
        raise RestoreError("the archive's manifest is damaged") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or manifest.get("revision") != revision:
        theirs = manifest.get("revision") if isinstance(manifest, dict) else None
        raise RestoreError(f"the archive is for schema {theirs}, this database is at "
                           f"{revision}; run `flask db upgrade` to the same revision first")
    counts = manifest.get("tables")
    if not isinstance(counts, dict):
        raise RestoreError("the archive's manifest is damaged")
    return counts


def drain(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, sink, read_before: int) -> int:
    """Stream one entry into `sink` chunk by chunk, holding it to its declared size; returns the bytes read."""
    read = 0
    try:
        with archive.open(entry) as stream:
            while chunk := stream.read(READ_CHUNK):
                read += len(chunk)
                if read > entry.file_size:
                    raise RestoreError(f"the entry {entry.filename!r} is larger than its header says",
                                       read_before + read)
                sink(chunk)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        raise RestoreError(f"the entry {entry.filename!r} is damaged ({error})", read_before + read) from None
    if read != entry.file_size:
        raise RestoreError(f"the entry {entry.filename!r} is shorter than its header says", read_before + read)
    return read
