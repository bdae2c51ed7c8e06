"""Query-string parameters of the API, checked strictly: a bad value is a 400
that names the parameter, never a guess and never a database error."""
import re
from datetime import UTC, date, datetime, timedelta, timezone

from flask import request

from crm.database import MAX_ID
from crm.forms import clean_text

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 25
MAX_PAGE = 100_000
MAX_QUERY_LENGTH = 200

_INTEGER = re.compile(r"\+?[0-9]{1,12}")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# RFC 3339 date-time: "2025-03-01T09:30:00Z", "2025-03-01t09:30:00.5+09:00"
_MOMENT = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?"
                     r"([Zz]|[+-][0-9]{2}:[0-9]{2})")


class BadParameter(ValueError):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name, self.message = name, message


def _raw(name: str) -> str | None:
    # An empty value is a value: "?page=" is not a number, and says so.
    return request.args.get(name)


def expect(*names: str) -> None:
    """Refuse parameters the endpoint does not know: a typo ("stauts") must not silently widen a list."""
    for name in request.args:
        if name not in names:
            raise BadParameter(name, f"Unknown parameter {name!r}; this endpoint takes: {', '.join(names) or 'none'}.")


def integer(name: str, *, minimum: int = 1, maximum: int = MAX_ID, default: int | None = None) -> int | None:
    value = _raw(name)
    if value is None:
        return default
    if not _INTEGER.fullmatch(value) or not minimum <= int(value) <= maximum:
        raise BadParameter(name, f"{name} must be a whole number from {minimum} to {maximum}.")
    return int(value)


def choice(name: str, allowed) -> str | None:
    value = _raw(name)
    if value is None:
        return None
    values = [member.value for member in allowed]
    if value not in values:
        raise BadParameter(name, f"{name} must be one of: {', '.join(values)}.")
    return value


def country(name: str = "country") -> str | None:
    value = _raw(name)
    if value is None:
        return None
    if not re.fullmatch(r"[A-Za-z]{2}", value):
        raise BadParameter(name, f"{name} must be a two-letter ISO 3166-1 country code.")
    return value.upper()


def text(name: str = "q") -> str | None:
    value = _raw(name)
    if value is None:
        return None
    if len(value) > MAX_QUERY_LENGTH:
        raise BadParameter(name, f"{name} must be at most {MAX_QUERY_LENGTH} characters.")
    return clean_text(value).strip() or None


def _parsed(name: str, pattern: re.Pattern, read, message: str):
    """The parameter as read(match) reads the pattern's match; None when absent. A value the pattern
    does not match, or that read() refuses with ValueError, is a BadParameter saying message."""
    value = _raw(name)
    if value is None:
        return None
    match = pattern.fullmatch(value)
    try:
        if match is None:
            raise ValueError
        return read(match)
    except ValueError:
        raise BadParameter(name, message) from None


def day(name: str) -> date | None:
    return _parsed(name, _DATE, lambda match: date(*map(int, match.groups())), f"{name} must be a date as YYYY-MM-DD.")


def _local_moment(match: re.Match) -> datetime:
    """The moment an RFC 3339 match names, aware, at its own offset; ValueError when there is none."""
    year, month, dd, hour, minute, second = map(int, match.groups()[:6])
    fraction, offset = match.group(7), match.group(8)
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    if offset in ("Z", "z"):
        zone = UTC
    else:
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        if minutes > 59:
            raise ValueError
        zone = timezone((-1 if offset[0] == "-" else 1) * timedelta(hours=hours, minutes=minutes))
    if second > 60:
        raise ValueError
    # RFC 3339 allows a leap second and the year 0: read them as the nearest moment Python holds
    return datetime(max(year, 1), month, dd, hour, minute, min(second, 59), micro, tzinfo=zone)


def moment(name: str) -> datetime | None:
    """An RFC 3339 date-time, as an aware datetime in UTC."""
    local = _parsed(name, _MOMENT, _local_moment,
                    f"{name} must be an RFC 3339 date-time, e.g. 2025-03-01T09:30:00Z.")
    if local is None:
        return None
    try:
        return local.astimezone(UTC)
    except OverflowError:  # the first or last hours Python can hold, shifted out of range
        return (datetime.min if local.year < 5000 else datetime.max).replace(tzinfo=UTC)


def page_and_size() -> tuple[int, int]:
    return (integer("page", maximum=MAX_PAGE, default=1),
            integer("per_page", maximum=MAX_PER_PAGE, default=DEFAULT_PER_PAGE))
