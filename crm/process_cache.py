"""The last few results of an expensive computation, kept in this process and shared by its threads.

For figures over the whole portfolio (crm.health): the caller's key names everything the result
depends on — the date and the office's activity stamp (crm.activity) — so a change anywhere, even
in another worker, gives a new key. Entries are also kept apart per database.
"""
import threading
from collections.abc import Callable, Hashable

from crm.extensions import db


class ProcessCache:
    def __init__(self, size: int = 4):
        self._lock = threading.Lock()
        self._entries: dict[tuple, object] = {}
        self._size = size

    def peek(self, key: tuple[Hashable, ...]):
        """The result kept for this key, or None."""
        with self._lock:
            return self._entries.get((str(db.engine.engine.url), *key))

    def put(self, key: tuple[Hashable, ...], value) -> None:
        """Keep value for this key (in place of the oldest entry when full)."""
        key = (str(db.engine.engine.url), *key)
        with self._lock:
            self._entries.pop(key, None)
            if len(self._entries) >= self._size:
                self._entries.pop(next(iter(self._entries)))
            self._entries[key] = value

    def get(self, key: tuple[Hashable, ...], compute: Callable[[], object]):
        """The result kept for this key, else compute() kept in place of the oldest."""
        key = (str(db.engine.engine.url), *key)
        with self._lock:
            cached = self._entries.get(key)
        if cached is not None:
            return cached
        value = compute()
        with self._lock:
            if len(self._entries) >= self._size:
                self._entries.pop(next(iter(self._entries)))
            self._entries[key] = value
        return value
