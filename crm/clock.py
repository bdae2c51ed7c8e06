"""The one clock of the application.

Instants are read here, in UTC (`utcnow`); the date every rule is evaluated
on is the office's local date (`office_today`): what is planned, due,
expired, upcoming or ceremonial is the same for a reader in Tokyo, a server
in UTC and a calendar program, whatever zone each of them is in. Readers
still see *times* in their own zone; only the *date* rules use is the office's.
Nothing else in the application reads the wall clock for a rule.
"""
from datetime import UTC, date, datetime

#: app.extensions key of the function that reads the office's time zone from its settings, registered by
#: crm.settings.service.init_app when the app starts (the clock imports no feature)
OFFICE_TIMEZONE = "crm.office_timezone"


def utcnow() -> datetime:
    """Now, as an aware UTC datetime."""
    return datetime.now(UTC)


def office_timezone() -> str:
    """The office's time zone: its default home city's, else the configured default.

    Read once per application context (a request, a CLI command): it costs a
    query or two and does not change within one."""
    from flask import current_app, g

    zone = g.get("_office_timezone")
    if zone is None:
        zone = g._office_timezone = current_app.extensions[OFFICE_TIMEZONE]()
    return zone


def office_today() -> date:
    """Today's date where the office is: the one "today" of the application."""
    from crm.localtime import today_in

    return today_in(office_timezone(), utcnow())
