"""Checking a backup archive before anything is restored from it (crm.backup_restore): how it is packed.

An archive is opened (a sealed one decrypted into an unnamed temporary file);
every entry's name, the number of entries, each entry's size and compression
ratio and the total size are read from the zip headers; then every byte is
read once, held to what its header declares, since headers can lie. Then the
contents are checked (crm.backup_contents). Nothing is written while
checking: a refused archive leaves neither rows nor files. `crm export`
(crm.backup) runs the same checks on the archive it has just written before
it reports success.
"""
import hashlib
import json
import stat
import struct
import tempfile
import zipfile
import zlib
from contextlib import ExitStack
from dataclasses import dataclass, field, fields
from pathlib import Path, PurePosixPath

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app

from crm.backup_encryption import DecryptionError, WrongPassphrase, decrypt, is_encrypted
from crm.extensions import db

FORMAT = 1
READ_CHUNK = 64 * 1024
MANIFEST_MAX_BYTES = 1024 * 1024
#: what reading a damaged zip raises, besides BadZipFile (a flipped byte can make each of them)
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
              RuntimeError, struct.error)


#: what to do about an archive that is damaged or not one of ours
USE_ANOTHER = "Use another archive (`crm import --check ARCHIVE` tells whether one is sound)."
#: what to do about an archive larger than the limits
RAISE_LIMITS = "If the archive is yours and this large, raise the BACKUP_MAX_* setting (see the README)."


class RestoreError(RuntimeError):
    """The archive was not restored (nothing was written); `advice` says what to do."""

    def __init__(self, message: str, bytes_read: int = 0, advice: str = USE_ANOTHER):
        super().__init__(message)
        #: decompressed bytes read before the refusal (the tests hold memory and disk use to this)
        self.bytes_read = bytes_read
        self.advice = advice


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
    #: each attachment's SHA-256, computed while reading it
    digests: dict[PurePosixPath, str] = field(default_factory=dict)


def check_archive(archive: zipfile.ZipFile, limits: Limits, revision: str | None) -> CheckedArchive:
    """Check every entry of an archive for a database at `revision`, writing nothing; raises RestoreError."""
    entries = archive.infolist()
    if len(entries) > limits.entries:
        raise RestoreError(f"the archive has {len(entries)} entries, more than the {limits.entries} allowed",
                           advice=RAISE_LIMITS)
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
                               f"more than the {limit} allowed", advice=RAISE_LIMITS)
        if entry.file_size > limits.ratio_from_bytes and entry.file_size > limits.ratio * max(entry.compress_size, 1):
            ratio = entry.file_size // max(entry.compress_size, 1)
            raise RestoreError(f"the entry {entry.filename!r} is compressed {ratio} times, more than the "
                               f"{limits.ratio} allowed (a zip bomb?)", advice=RAISE_LIMITS)
        declared += entry.file_size
        if declared > limits.total_bytes:
            raise RestoreError(f"the archive unpacks to more than the {limits.total_bytes} bytes allowed",
                               advice=RAISE_LIMITS)
        if kind == "manifest":
            manifest = entry
        elif kind == "table":
            tables[relative] = entry
        else:
            attachments.append((entry, relative))
    if manifest is None:
        raise RestoreError("the archive is incomplete: manifest.json missing")
    counts = _check_manifest(archive, manifest, revision)
    if set(tables) != table_names:
        raise RestoreError(f"the archive is incomplete: tables {', '.join(sorted(table_names - set(tables)))} "
                           "missing")
    # the headers passed; now read every byte, since headers can lie (a CRC or size mismatch is refused too)
    bytes_read = 0
    for entry in [manifest, *tables.values()]:
        bytes_read += drain(archive, entry, lambda chunk: None, bytes_read)
    digests = {}
    for entry, relative in attachments:
        digest = hashlib.sha256()
        bytes_read += drain(archive, entry, digest.update, bytes_read)
        digests[relative] = digest.hexdigest()
    return CheckedArchive(tables, attachments, declared, bytes_read, counts, digests)


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
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(
            manifest.get("revision"), str):
        raise RestoreError("the archive's manifest is not one `crm export` writes (another program, "
                           "or a damaged archive)")
    if manifest["revision"] != revision:
        raise RestoreError(revision_mismatch(manifest["revision"], revision), advice="")
    counts = manifest.get("tables")
    table_names = {table.name for table in db.metadata.sorted_tables}
    if not isinstance(counts, dict) or set(counts) != table_names or not all(
            type(count) is int and count >= 0 for count in counts.values()):
        raise RestoreError("the archive's manifest is damaged (its table counts are not this schema's)")
    return counts


def revision_mismatch(theirs: str, ours: str | None) -> str:
    """Why an archive of schema revision `theirs` does not fit a database at `ours`, and what to do."""
    if ours is None:
        return ("this database has no schema yet (it was never upgraded): run `flask --app wsgi db upgrade`, "
                "then restore")
    try:
        order = [script.revision for script in ScriptDirectory(
            current_app.extensions["migrate"].directory).walk_revisions()]  # newest first
    except CommandError:
        order = []
    if theirs not in order:
        return (f"the archive is of schema revision {theirs}, which this version of the CRM does not know: "
                "restore it with the version that made it")
    if ours not in order:
        return (f"the archive is of schema revision {theirs}, this database is at {ours}: restore it into an empty "
                f"database upgraded only to {theirs}")
    if order.index(theirs) < order.index(ours):
        return (f"the archive is of schema revision {theirs}, newer than this database's {ours}: "
                "run `flask --app wsgi db upgrade`, then restore")
    return (f"the archive is of schema revision {theirs}, older than this database's {ours}: restore it "
            f"into an empty database upgraded only to it (`flask --app wsgi db upgrade {theirs}`), "
            "then upgrade that")


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
    except RestoreError:
        raise
    except ZIP_ERRORS as error:
        raise RestoreError(f"the entry {entry.filename!r} is damaged ({error})", read_before + read) from None
    if read != entry.file_size:
        raise RestoreError(f"the entry {entry.filename!r} is shorter than its header says", read_before + read)
    return read


def open_archive(path: Path, passphrase: str | None, stack: ExitStack) -> zipfile.ZipFile:
    """The archive as a zip; a sealed one is opened into an unnamed temporary file (0600, gone when closed)."""
    source = path
    if is_encrypted(path):
        if not passphrase:
            raise RestoreError("the archive is encrypted: give its passphrase", advice="")
        plain = stack.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 (closed by the stack)
        try:
            with open(path, "rb") as sealed:
                decrypt(sealed, plain, passphrase)
        except WrongPassphrase:
            raise RestoreError("wrong passphrase: the archive cannot be opened with it", advice="") from None
        except DecryptionError as error:
            raise RestoreError(f"the encrypted archive is damaged ({error})") from None
        plain.seek(0)
        source = plain
    try:
        return stack.enter_context(zipfile.ZipFile(source))
    except ZIP_ERRORS as error:
        raise RestoreError(f"this is not an archive made by `crm export`, or it is damaged ({error})") from None
