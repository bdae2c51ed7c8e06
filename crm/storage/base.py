"""What every file store offers: objects (attachments, emblems) written under a key, read back, listed and
deleted. A key is a relative POSIX path ("3f/3f2a…", "emblems/3f2a….png"); each store maps it to its own
place (a file under a folder, an object under a bucket's prefix).

Objects written for a row not yet committed are *staged*: `stage` writes one, `publish` makes it final once
the row's transaction commits and `discard` removes it after a rollback (crm.storage.transactions ties these
to the session). A store decides what staging means: the local folder writes under a temporary name and
renames on commit; an object store writes under the final key at once (a rename there is a copy), so an
object staged by a process that died before its commit is simply an object no row names, which
`crm files check` finds.
"""
import errno
import logging
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Self

log = logging.getLogger(__name__)


class StorageError(OSError):
    """The store refused or failed an operation (a full disk, a read-only mount, an object store that does not
    answer or refuses the credentials); `errno` says which when the store knows (crm.attachments.storage turns
    it into the uploader's message). A missing object raises FileNotFoundError instead."""

    def __init__(self, message: str, code: int = errno.EIO) -> None:
        super().__init__(code, message)


@dataclass(frozen=True)
class StoredObject:
    """One object as a listing finds it."""
    key: str
    size: int
    modified: float  #: POSIX time of its last write


@dataclass
class Opened:
    """An object open for reading: a binary stream read in chunks (close it, or use `with`)."""
    stream: IO[bytes]
    size: int
    modified: datetime  #: aware, UTC

    def read(self, size: int = -1) -> bytes:
        return self.stream.read(size)

    def close(self) -> None:
        self.stream.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Store(ABC):
    """The interface the application's files go through; crm.storage.store() gives the configured one."""

    #: what a staged object's key ends with until it is published ("" when staging writes the final key)
    staged_suffix: str = ""

    @abstractmethod
    def stage(self, key: str, stream: IO[bytes]) -> None:
        """Write the whole stream (from its start) as the staged object of key, never over an existing one.
        On failure nothing is left behind and StorageError (an OSError) is raised."""

    @abstractmethod
    def publish(self, key: str) -> None:
        """The row naming key has committed: make its staged object the object of key."""

    @abstractmethod
    def open(self, key: str) -> Opened:
        """Open the object of key for reading; FileNotFoundError when there is none."""

    @abstractmethod
    def size(self, key: str) -> int:
        """The object's size in bytes; FileNotFoundError when there is none."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether key names an object (a published one; see staged_key)."""

    @abstractmethod
    def remove(self, key: str) -> None:
        """Remove exactly the object of key (a staged key too); nothing there is not an error."""

    @abstractmethod
    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        """Every object whose key starts with prefix (staged ones under their staged keys), with its size and
        modification time, in no promised order."""

    @abstractmethod
    def describe(self, key: str = "") -> str:
        """Where key is kept, for messages and logs: a path, or s3://bucket/key."""

    def staged_key(self, key: str) -> str:
        """The key a staged object of key is kept under until it is published."""
        return key + self.staged_suffix

    def discard(self, key: str) -> None:
        """The row naming key was rolled back: remove its staged object."""
        self.remove(self.staged_key(key))

    def delete(self, key: str) -> None:
        """The row naming key is deleted for good: remove its object, and a staged one left beside it."""
        self.remove(key)
        if self.staged_suffix:
            self.remove(self.staged_key(key))

    def put(self, key: str, stream: IO[bytes]) -> None:
        """Write and publish at once (the backup restore, which commits its rows afterwards)."""
        self.stage(key, stream)
        try:
            self.publish(key)
        except BaseException:
            self.discard(key)
            raise

    def recover(self, key: str) -> bool:
        """The row naming key is committed: if the process that staged its object died between that commit and
        the publish, publish it now. Whether key names an object afterwards."""
        if self.exists(key):
            return True
        if self.staged_suffix and self.exists(self.staged_key(key)):
            try:
                self.publish(key)
            except OSError:
                return self.exists(key)
            log.warning("%s took its name late (the process that stored it ended first)", self.describe(key))
            return True
        return False

    def open_committed(self, key: str) -> Opened:
        """Open the object of a committed row, publishing it first when its publish never happened."""
        if self.staged_suffix:  # a store that stages under the final key has nothing to finish
            self.recover(key)
        return self.open(key)

    def free_bytes(self) -> int | None:
        """Space left for new objects; None when the store sets no such limit one can read."""
        return None
