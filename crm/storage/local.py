"""The local backend: a folder (ATTACHMENTS_DIR), one file per key.

A staged file is written under its temporary name `<key>.part` in "x" mode (never over another file),
fsynced before the row can commit, and renamed to its key when the row commits (os.replace, atomic).
A failure while writing removes what was written, and the error keeps its errno (a full disk, a read-only
mount), for the uploader's message."""
import os
import shutil
from collections.abc import Iterator
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO

from crm.storage.base import Opened, Store, StoredObject

PART_SUFFIX = ".part"  #: a file written but not yet committed with its row
CHUNK = 64 * 1024


class UnsafeKey(ValueError):
    """A key that would leave the folder (an absolute path, "..", or a folder linked out of it)."""


class LocalStore(Store):
    staged_suffix = PART_SUFFIX

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        """The file of key (checked to stay inside the folder by name; see _checked_parent for links)."""
        parts = PurePosixPath(key).parts
        if not parts or key.startswith("/") or "\\" in key or any(part in ("", ".", "..") for part in parts):
            raise UnsafeKey(f"unsafe key {key!r}")
        return self.root.joinpath(*parts)

    def _checked_parent(self, path: Path) -> None:
        """Make the file's folder, refusing one that resolves outside the root (a symbolic link out of it)
        before making anything."""
        if not path.parent.resolve().is_relative_to(self.root.resolve()):
            raise UnsafeKey(f"unsafe key: {path} leaves {self.root}")
        path.parent.mkdir(parents=True, exist_ok=True)

    def stage(self, key: str, stream: IO[bytes]) -> None:
        self.path(key)  # a key of its own, not only a temporary name
        temporary = self.path(self.staged_key(key))
        self._checked_parent(temporary)
        stream.seek(0)
        try:
            out = open(temporary, "xb")  # noqa: SIM115 (closed below) "x": never overwrite another file
        except FileNotFoundError:  # its folder was emptied and removed meanwhile (remove prunes)
            self._checked_parent(temporary)
            out = open(temporary, "xb")  # noqa: SIM115 (closed below)
        try:
            with out:
                shutil.copyfileobj(stream, out, CHUNK)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            with suppress(OSError):
                temporary.unlink(missing_ok=True)
            raise

    def publish(self, key: str) -> None:
        final = self.path(key)
        try:
            os.replace(self.path(self.staged_key(key)), final)
        except FileNotFoundError:
            if not final.exists():
                raise

    def open(self, key: str) -> Opened:
        stream = open(self.path(key), "rb")  # noqa: SIM115 (the caller closes the Opened)
        status = os.fstat(stream.fileno())
        return Opened(stream, status.st_size, datetime.fromtimestamp(status.st_mtime, UTC))

    def size(self, key: str) -> int:
        return self.path(key).stat().st_size

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def remove(self, key: str) -> None:
        path = self.path(key)
        path.unlink(missing_ok=True)
        for folder in path.parents:  # the folders it leaves empty, below the root
            if folder == self.root or not folder.is_relative_to(self.root):
                break
            try:
                folder.rmdir()
            except OSError:
                break

    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        start = self.root / prefix.rpartition("/")[0] if "/" in prefix else self.root
        if not start.is_dir():
            return
        for folder, folders, files in os.walk(start):
            folders.sort()
            for name in sorted(files):
                path = Path(folder, name)
                key = path.relative_to(self.root).as_posix()
                if not key.startswith(prefix) or path.is_symlink():
                    continue
                try:
                    status = path.stat()
                except OSError:
                    continue  # removed meanwhile
                yield StoredObject(key, status.st_size, status.st_mtime)

    def describe(self, key: str = "") -> str:
        return str(self.root / key) if key else str(self.root)

    def free_bytes(self) -> int | None:
        folder = self.root
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        return shutil.disk_usage(folder).free
