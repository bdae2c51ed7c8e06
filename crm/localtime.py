"""Times of day in the local time of a place, stored unambiguously as UTC."""
import functools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from crm.clock import utcnow


class LocalTimeError(ValueError):
    """A local time that does not exist, or is ambiguous, at that place."""


@functools.cache
def time_zones() -> frozenset[str]:
    """Every IANA zone name; cached, since listing them walks the zoneinfo directory."""
    return frozenset(available_timezones())


def is_time_zone(name: str | None) -> bool:
    return bool(name) and name in time_zones()


def to_utc(day: date, clock: time, zone: str) -> datetime:
    """The moment a local wall-clock time happens in a time zone.

    Refuses times skipped by a daylight-saving change (02:30 on the night
    clocks go forward) and times that happen twice (when they go back).
    """
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise LocalTimeError("unknown time zone") from error
    first = datetime.combine(day, clock, tzinfo=tz).replace(fold=0)
    second = first.replace(fold=1)
    if first.utcoffset() != second.utcoffset():
        # fold changes the offset only for times in a gap or an overlap
        round_trip = first.astimezone(UTC).astimezone(tz)
        if round_trip.replace(tzinfo=None) != first.replace(tzinfo=None):
            raise LocalTimeError("skipped")
        raise LocalTimeError("ambiguous")
    return first.astimezone(UTC)


def in_zone(moment: datetime | None, zone: str | None) -> datetime | None:
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(zone)) if is_time_zone(zone) else moment


def utc_offset_label(zone: str, at: datetime | None = None) -> str:
    """"UTC+09:00" for a zone at a moment (now by default)."""
    offset = (at or utcnow()).astimezone(ZoneInfo(zone)).utcoffset()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def today_in(zone: str | None, moment: datetime | None = None) -> date:
    """The calendar date at a place (UTC when the zone is unknown)."""
    moment = moment or utcnow()
    return moment.astimezone(ZoneInfo(zone)).date() if is_time_zone(zone) else moment.astimezone(UTC).date()


def offset_name(offset: timedelta) -> str:
    """An offset as a printed document names it: "UTC+2", "UTC−5", "UTC+5:30", "UTC+0"."""
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"  # U+2212: a minus, not a hyphen that could break the line
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}:{rest:02d}" if rest else f"UTC{sign}{hours}"


def offset_changes(zone: str, start: datetime, end: datetime) -> list[tuple[datetime, timedelta]]:
    """A zone's UTC offset at `start`, then each change before `end`: (the moment it takes effect, the new
    offset), the moments in UTC. zoneinfo keeps its transition table to itself, so the zone is probed once a
    day and each change is narrowed to the minute (offsets never change twice within a day)."""
    tz = ZoneInfo(zone)

    def offset(moment: datetime) -> timedelta:
        return moment.astimezone(tz).utcoffset()

    start, end = start.astimezone(UTC), end.astimezone(UTC)
    changes = [(start, offset(start))]
    probe = start
    while probe < end:
        following = min(probe + timedelta(days=1), end)
        if offset(following) != offset(probe):
            before, after = probe, following  # the offset changes after `before`, at or before `after`
            while after - before > timedelta(minutes=1):
                middle = before + (after - before) / 2
                before, after = (middle, after) if offset(middle) == offset(before) else (before, middle)
            moment = after.replace(second=0, microsecond=0)
            changes.append((moment, offset(moment)))
        probe = following
    return changes


def local_midnight(day: date, zone: str) -> datetime:
    """The first moment of a calendar day at a place, in UTC (the day's first minute where midnight itself
    is skipped by a daylight-saving change, as in Santiago)."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)
