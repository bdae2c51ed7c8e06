"""The portfolio's health snapshot (crm.health.snapshot) shared between hosts through Redis, when REDIS_URL is set.

Every process that reads the whole portfolio (a second or more at 5,000 partnerships) publishes the result under
the date, the office's threshold and the activity stamp it is for, and names it as the one published last. A
process that has no figures of its own, or whose figures the chain of changes cannot bring up to date (after an
import), takes the current stamp's snapshot from here, or the last published and brings it up to date through
the chain as it would its own: one host's cold reading serves every other process. A snapshot brought up to date
is not published: that costs a process a few milliseconds, while encoding one costs tens.

Nothing found here is ever stale: a stamp names one state of the data, and a snapshot of an older stamp is used
only once the chain has said what changed since. The key also names the layout (a fingerprint of the fields
encoded), so a release that lays snapshots out differently never reads another's; entries expire after two days.

The encoding is JSON and an array of integers, compressed: what Redis holds is data, never code. Redis down,
slow or holding something unreadable costs a page at most a short timeout and never fails it: the process
computes the figures itself, logs the outage once, and leaves Redis alone for a while before trying again.
"""
import enum
import gc
import hashlib
import json
import logging
import struct
import sys
import threading
import time
import zlib
from array import array
from contextlib import contextmanager
from dataclasses import fields
from datetime import date
from itertools import chain
from operator import attrgetter

import redis
from flask import current_app

from crm.engagements.models import Pillar
from crm.health.rules import Activity, Flag
from crm.health.snapshot import CHART_MONTHS, Snapshot
from crm.redis_client import redis_client, redis_key

log = logging.getLogger(__name__)

TTL_SECONDS = 2 * 24 * 3600
PAUSE_SECONDS = 30  #: after a failure, Redis is left alone this long
MAX_BYTES = 256 * 1024 * 1024  #: the most a snapshot may unpack to (about 6 MB at 5,000 partnerships)
_ERRORS = (redis.RedisError, OSError)


def snapshot_key(as_of: date, threshold: int, stamp: str) -> str:
    return redis_key("health", LAYOUT, as_of.isoformat(), threshold, stamp)


def latest_key(as_of: date, threshold: int) -> str:
    """Names the stamp of the snapshot published last for this date and threshold."""
    return redis_key("health", LAYOUT, as_of.isoformat(), threshold, "latest")


def fetch(as_of: date, threshold: int, stamp: str) -> Snapshot | None:
    """The snapshot published for this stamp, else the one published last for this date and threshold (the
    caller brings it up to date through the chain of changes, or cannot), else None."""
    client = _available()
    if client is None:
        return None
    try:
        data, latest = client.mget(snapshot_key(as_of, threshold, stamp), latest_key(as_of, threshold))
        if data is None and latest is not None:
            stamp = latest.decode(errors="replace")
            data = client.get(snapshot_key(as_of, threshold, stamp))
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
        key = snapshot_key(as_of, threshold, stamp)
        log.warning("shared health figures at %s are unreadable (%s); computed here instead", key, error)
        _forget(client, key)
        return None
    return snapshot


def publish(snapshot: Snapshot, threshold: int) -> None:
    """Offer this snapshot to the other processes (unless one already did), as the one published last."""
    client = _available()
    if client is None:
        return
    key = snapshot_key(snapshot.as_of, threshold, snapshot.stamp)
    try:
        if client.exists(key):  # another process's copy is the same: spare the encoding
            return
        data = encode(snapshot)
        with client.pipeline(transaction=False) as pipeline:
            pipeline.set(key, data, ex=TTL_SECONDS, nx=True)
            pipeline.set(latest_key(snapshot.as_of, threshold), snapshot.stamp, ex=TTL_SECONDS)
            pipeline.execute()
    except _ERRORS as error:
        _failed(error)
        return
    _answered()


# The encoding: the Activities and the Flags as JSON columns, one list per field in the dataclass's order (dates
# as ordinals, enums as their values), pillar counts as rows; the months' counts, most of the volume, as one array
# of 32-bit integers after the JSON; the whole compressed. Columns, because building objects row by row was most
# of the time it took to decode.

def _layout(cls) -> tuple:
    """How to read a dataclass's fields as columns, which of them are dates, and what each field's values are
    turned back into."""
    names = [field.name for field in fields(cls)]
    dates = tuple(index for index, field in enumerate(fields(cls)) if field.type in (date, date | None))
    enums = tuple((index, field.type._value2member_map_) for index, field in enumerate(fields(cls))
                  if isinstance(field.type, type) and issubclass(field.type, enum.Enum))
    return cls, attrgetter(*names), dates, enums, names


_ACTIVITY, _FLAG = _layout(Activity), _layout(Flag)
_MONTH_VALUES = 2 * CHART_MONTHS
#: in the key: a release whose snapshots are laid out otherwise reads and writes keys of its own
LAYOUT = "v1-" + hashlib.sha256(repr((_ACTIVITY[4], _FLAG[4], _MONTH_VALUES)).encode()).hexdigest()[:8]
_PILLAR = {None: None, **Pillar._value2member_map_}
_HEADER = struct.Struct("<I")  #: the JSON's length


def encode(snapshot: Snapshot) -> bytes:
    with _collector_paused():
        return _encode(snapshot)


def _encode(snapshot: Snapshot) -> bytes:
    body = json.dumps({
        "as_of": snapshot.as_of.toordinal(),
        "stamp": snapshot.stamp,
        "activities": _columns(_ACTIVITY, snapshot.activities.values()),
        "flags": [list(snapshot.flags), _columns(_FLAG, snapshot.flags.values())],
        "months": list(snapshot.months),  # the partnerships whose counts follow, in order
        "pillars": [[pid, _pillar_rows(counts)] for pid, counts in snapshot.pillars.items()],
        "month_totals": snapshot.month_totals,
        "pillar_totals": _pillar_rows(snapshot.pillar_totals),
    }, separators=(",", ":")).encode()
    months = array("i", chain.from_iterable(snapshot.months.values()))
    if sys.byteorder != "little":
        months.byteswap()
    return zlib.compress(_HEADER.pack(len(body)) + body + months.tobytes(), 1)


def decode(data: bytes) -> Snapshot:
    with _collector_paused():
        return _decode(data)


@contextmanager
def _collector_paused():
    """Encoding or decoding makes some 50,000 containers at once, and the cyclic garbage collector would walk the
    whole heap several times meanwhile (three quarters of the time to decode at 5,000 partnerships); none of
    them is in a cycle."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _decode(data: bytes) -> Snapshot:
    unpacker = zlib.decompressobj()
    whole = unpacker.decompress(data, MAX_BYTES)
    if unpacker.unconsumed_tail or not unpacker.eof:
        raise ValueError("too large or cut short")
    (length,) = _HEADER.unpack_from(whole)
    body = json.loads(whole[_HEADER.size:_HEADER.size + length])
    months = array("i")
    months.frombytes(whole[_HEADER.size + length:])
    if sys.byteorder != "little":
        months.byteswap()
    if len(months) != _MONTH_VALUES * len(body["months"]):
        raise ValueError("the months' counts do not match their partnerships")
    counts, step = months.tolist(), _MONTH_VALUES
    activities = body["activities"]
    flag_ids, flags = body["flags"]
    return Snapshot(
        as_of=date.fromordinal(body["as_of"]), stamp=body["stamp"],
        activities=dict(zip(activities[0], _records(_ACTIVITY, activities), strict=True)),
        months={pid: tuple(counts[index * step:(index + 1) * step]) for index, pid in enumerate(body["months"])},
        pillars={pid: _pillar_counts(rows) for pid, rows in body["pillars"]},
        month_totals=tuple(body["month_totals"]), pillar_totals=_pillar_counts(body["pillar_totals"]),
        flags=dict(zip(flag_ids, _records(_FLAG, flags), strict=True)))


def _columns(layout, records) -> list[list]:
    _cls, values, dates, _enums, names = layout
    columns = [list(column) for column in zip(*map(values, records), strict=True)] or [[] for _ in names]
    for index in dates:
        columns[index] = [None if day is None else day.toordinal() for day in columns[index]]
    return columns


def _records(layout, columns: list[list]) -> list:
    cls, _values, dates, enums, names = layout
    if len(columns) != len(names) or len({len(column) for column in columns}) > 1:
        raise ValueError(f"{cls.__name__}: not one column of the same length per field")
    columns = list(columns)
    for index in dates:
        columns[index] = [None if ordinal is None else date.fromordinal(ordinal) for ordinal in columns[index]]
    for index, members in enums:
        columns[index] = [members[value] for value in columns[index]]
    return list(map(cls, *columns))


def _pillar_rows(counts: dict) -> list:
    return [[pillar, last_year, three_years] for pillar, (last_year, three_years) in counts.items()]


def _pillar_counts(rows: list) -> dict:
    return {_PILLAR[pillar]: (last_year, three_years) for pillar, last_year, three_years in rows}


# Redis down: log once, then leave it alone for PAUSE_SECONDS at a time until it answers again.

_OUTAGE = "crm.health.shared.outage"  #: app.extensions key of the app's _Outage


class _Outage:
    def __init__(self):
        self.lock = threading.Lock()
        self.since: float | None = None
        self.retry_at = 0.0


def _outage() -> _Outage:
    extensions = current_app.extensions
    return extensions.get(_OUTAGE) or extensions.setdefault(_OUTAGE, _Outage())


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
