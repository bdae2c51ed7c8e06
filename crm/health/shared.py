"""The portfolio's health snapshot (crm.health.snapshot) shared between hosts through Redis, when REDIS_URL is set.

A process with no snapshot for the office's current activity stamp looks here before it reads the database, and
publishes what it computed, so one host's cold computation (a second or more at 5,000 partnerships) serves every
other process. The key names the date, the office's threshold and the stamp — a change anywhere gives a new
key, so what is found is never stale — and the layout's version, so a release that lays snapshots out
differently never reads another's. Entries expire after two days (a snapshot is for one date).

The encoding is JSON, compressed: what Redis holds is data, never code. Redis down, slow or holding something
unreadable costs a page at most a short timeout and never fails it: the process computes the figures itself,
logs the outage once, and leaves Redis alone for a while before trying again.
"""
import enum
import hashlib
import json
import logging
import threading
import time
import zlib
from dataclasses import fields
from datetime import date
from operator import attrgetter

import redis
from flask import current_app

from crm.engagements.models import Pillar
from crm.health.rules import Activity, Flag
from crm.redis_client import redis_client, redis_key

log = logging.getLogger(__name__)

TTL_SECONDS = 2 * 24 * 3600
PAUSE_SECONDS = 30  #: after a failure, Redis is left alone this long
MAX_BYTES = 256 * 1024 * 1024  #: the most a snapshot may unpack to (about 6 MB at 5,000 partnerships)
_ERRORS = (redis.RedisError, OSError)


def snapshot_key(as_of: date, threshold: int, stamp: str) -> str:
    return redis_key("health", LAYOUT, as_of.isoformat(), threshold, stamp)


def fetch(as_of: date, threshold: int, stamp: str):
    """The snapshot another process published for this date, threshold and stamp, or None."""
    client = _available()
    if client is None:
        return None
    key = snapshot_key(as_of, threshold, stamp)
    try:
        data = client.get(key)
    except _ERRORS as error:
        _failed(error)
        return None
    _answered()
    if data is None:
        return None
    try:
        snapshot = decode(data)
        if (snapshot.as_of, snapshot.stamp) != (as_of, stamp):
            raise ValueError(f"holds {snapshot.as_of} {snapshot.stamp}")
    except Exception as error:  # noqa: BLE001  (whatever is there, the page computes its own)
        log.warning("shared health figures at %s are unreadable (%s); computed here instead", key, error)
        _forget(client, key)
        return None
    return snapshot


def publish(snapshot, threshold: int) -> None:
    """Offer this snapshot to the other processes (unless one already did)."""
    client = _available()
    if client is None:
        return
    key = snapshot_key(snapshot.as_of, threshold, snapshot.stamp)
    try:
        if not client.exists(key):  # another host's copy is the same: spare the encoding
            client.set(key, encode(snapshot), ex=TTL_SECONDS, nx=True)
    except _ERRORS as error:
        _failed(error)
        return
    _answered()


# The encoding: each Activity and Flag a row of its fields' values, in their order; dates as ordinals.

def _date(ordinal: int | None) -> date | None:
    return None if ordinal is None else date.fromordinal(ordinal)


def _layout(cls) -> tuple:
    """How to write a dataclass as a row, and which of a row's values to turn back into dates and enums."""
    names = [field.name for field in fields(cls)]
    convert = []
    for index, field in enumerate(fields(cls)):
        if field.type in (date, date | None):
            convert.append((index, _date))
        elif isinstance(field.type, type) and issubclass(field.type, enum.Enum):
            convert.append((index, field.type._value2member_map_.__getitem__))
    return attrgetter(*names), tuple(convert), names


_ACTIVITY, _FLAG = _layout(Activity), _layout(Flag)
#: in the key: a release whose snapshots are laid out otherwise reads and writes keys of its own
LAYOUT = "v1-" + hashlib.sha256(repr((_ACTIVITY[2], _FLAG[2])).encode()).hexdigest()[:8]
_PILLAR = {None: None, **Pillar._value2member_map_}


def encode(snapshot) -> bytes:
    body = {
        "as_of": snapshot.as_of.toordinal(),
        "stamp": snapshot.stamp,
        "activities": [_row(_ACTIVITY, activity) for activity in snapshot.activities.values()],
        "flags": [[pid, *_row(_FLAG, flag)] for pid, flag in snapshot.flags.items()],
        "months": [[pid, *counts] for pid, counts in snapshot.months.items()],
        "pillars": [[pid, _pillar_rows(counts)] for pid, counts in snapshot.pillars.items()],
        "month_totals": snapshot.month_totals,
        "pillar_totals": _pillar_rows(snapshot.pillar_totals),
    }
    return zlib.compress(json.dumps(body, separators=(",", ":")).encode(), 1)


def decode(data: bytes):
    from crm.health.snapshot import Snapshot

    unpacker = zlib.decompressobj()
    text = unpacker.decompress(data, MAX_BYTES)
    if unpacker.unconsumed_tail or not unpacker.eof:
        raise ValueError("too large or cut short")
    body = json.loads(text)
    activities = {row[0]: Activity(*_values(_ACTIVITY, row)) for row in body["activities"]}
    return Snapshot(
        as_of=date.fromordinal(body["as_of"]), stamp=body["stamp"], activities=activities,
        months={row[0]: tuple(row[1:]) for row in body["months"]},
        pillars={pid: _pillar_counts(rows) for pid, rows in body["pillars"]},
        month_totals=tuple(body["month_totals"]), pillar_totals=_pillar_counts(body["pillar_totals"]),
        flags={row[0]: Flag(*_values(_FLAG, row[1:])) for row in body["flags"]})


def _row(layout, record) -> list:
    return [value.toordinal() if isinstance(value, date) else value for value in layout[0](record)]


def _values(layout, row: list) -> list:
    for index, convert in layout[1]:
        row[index] = convert(row[index])
    return row


def _pillar_rows(counts: dict) -> list:
    return [[pillar, last_year, three_years] for pillar, (last_year, three_years) in counts.items()]


def _pillar_counts(rows: list) -> dict:
    return {_PILLAR[pillar]: (last_year, three_years) for pillar, last_year, three_years in rows}


# Redis down: log once, then leave it alone for PAUSE_SECONDS at a time until it answers again.

class _Outage:
    def __init__(self):
        self.lock = threading.Lock()
        self.since: float | None = None
        self.retry_at = 0.0


def _outage() -> _Outage:
    return current_app.extensions.setdefault("crm.health.shared", _Outage())


def _available():
    client = redis_client()
    if client is None or time.monotonic() < _outage().retry_at:
        return None
    return client


def _failed(error: Exception) -> None:
    outage = _outage()
    with outage.lock:
        first = outage.since is None
        outage.since = outage.since or time.monotonic()
        outage.retry_at = time.monotonic() + PAUSE_SECONDS
    if first:
        log.warning("Redis did not answer (%s): health figures are computed in each process until it does", error)


def _answered() -> None:
    outage = _outage()
    if outage.since is None:
        return
    with outage.lock:
        was_down, outage.since = outage.since, None
    if was_down is not None:
        log.warning("Redis answers again after %.0f s: health figures are shared again", time.monotonic() - was_down)


def _forget(client, key: str) -> None:
    try:
        client.delete(key)
    except _ERRORS as error:
        _failed(error)
