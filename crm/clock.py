"""The one clock of the application.

Instants are read here, in UTC (`utcnow`); the date every rule is evaluated
on is the office's local date (`office_today`): what is planned, due,
expired, upcoming or ceremonial is the same for a reader in Tokyo, a server
in UTC and a calendar program, whatever zone each of them is in. Readers
still see *times* in their own zone; only the *date* rules use is the office's.
Nothing else in the application reads the wall clock for a rule.
"""
from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Now, as an aware UTC datetime."""
    return datetime.now(UTC)


def office_timezone() -> str:
    """The office's time zone: its default home city's, else the configured default.

    Read once per application context (a request, a CLI command): it costs a
    query or two and does not change within one."""
    from flask import g

    zone = g.get("_office_timezone")
    if zone is None:
        from crm.settings.service import office_timezone as read_office_timezone

        zone = g._office_timezone = read_office_timezone()
    return zone


def office_today() -> date:
    """Today's date where the office is: the one "today" of the application."""
    from crm.localtime import today_in

    return today_in(office_timezone(), utcnow())
