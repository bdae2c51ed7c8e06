"""Audit events as sentences people can read: who did what to which record, with names, labels and links.

``read_events(events)`` turns a page of events into entries; the names of every record they mention
are read in one query (crm.audit.names), whatever the number of events.
"""
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from flask import current_app, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import Boolean, Date, DateTime

from crm.access import can
from crm.audit import sentences as say
from crm.audit.labels import UNSPOKEN, field_label
from crm.audit.names import Name, kind_of_table, record_names
from crm.extensions import db
from crm.i18n import labelled_datetime
from crm.languages import language_label
from crm.money import format_money

SECRET = "•••"
#: the tables that hold a record type's columns (a program's are its engagement's and its own)
TABLES = {"engagement": ("engagements",), "trade_mission": ("engagements", "trade_missions"),
          "exchange": ("engagements", "exchanges"), "joint_project": ("engagements", "joint_projects")}
#: columns, in the order tried, that name a record the database no longer holds
NAMING_COLUMNS = ("name", "title", "description", "filename", "email", "office_name", "file", "device",
                  "contact_id", "organization_id", "user_id", "city_id")
#: languages whose nouns keep their capital inside a sentence
CAPITALISED_NOUNS = {"de"}
LONGEST_VALUE = 120
#: amounts in minor units → the column of their currency
MONEY = {"amount_minor": "currency", "budget_minor": "budget_currency"}
#: the column of a part that names the record it is part of (its sentences name that record)
PARENTS = {"agreement_texts": "agreement_id", "signatories": "agreement_id", "itinerary_items": "mission_id",
           "mission_delegates": "mission_id", "mission_outcomes": "mission_id", "milestones": "project_id"}


@dataclass
class Entry:
    event: object  #: the AuditEvent
    sentences: list[Markup] = field(default_factory=list)


def _column(record_type: str, name: str):
    for table in TABLES.get(record_type, (record_type,)):
        table = db.metadata.tables.get(table)
        if table is not None and name in table.c:
            return table.c[name]
    return None


def _reference(record_type: str, name: str) -> str | None:
    """The kind of record a column refers to, when it is a reference to a named one."""
    column = _column(record_type, name)
    if column is None or not column.foreign_keys:
        return None
    return kind_of_table(next(iter(column.foreign_keys)).column.table.name)


def _record_kind(record_type: str) -> str | None:
    return kind_of_table(TABLES[record_type][-1] if record_type in TABLES else record_type)


def _wanted(events) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = {}
    for event in events:
        kind = _record_kind(event.record_type)
        if kind and event.record_id:
            wanted.setdefault(kind, set()).add(event.record_id)
        if event.partnership_id:
            wanted.setdefault("partnerships", set()).add(event.partnership_id)
        if event.user_id:
            wanted.setdefault("users", set()).add(event.user_id)
        for column, pair in (event.changes or {}).items():
            target = _reference(event.record_type, column)
            if target:
                wanted.setdefault(target, set()).update(v for v in pair if type(v) is int)
    return wanted


def _url(kind: str, record_id: int, name: Name) -> str | None:
    if name.gone:
        return None
    if kind == "partnerships":
        return url_for("partnerships.detail", partnership_id=record_id)
    if kind == "agreements":
        return url_for("agreements.detail", agreement_id=record_id)
    if kind == "engagements" and name.subtype:
        return current_app.jinja_env.globals["program_url"](name.subtype, record_id)
    if kind == "users" and can("administer"):
        return url_for("users.show", user_id=record_id)
    return None


def _named(kind: str | None, record_id, names: dict, text: str | None = None) -> Markup:
    """A record's name, linked to its page when it has one and is not in the trash."""
    name = names.get((kind, record_id))
    if text is None:
        text = name.text if name else (f"#{record_id}" if record_id is not None else "—")
    url = _url(kind, record_id, name) if name else None
    if url:
        return Markup('<a href="%s"><bdi>%s</bdi></a>') % (url, text)
    return Markup("<bdi>%s</bdi>") % text


def _value(record_type: str, column: str, raw, names: dict, currency: str | None = None) -> Markup:
    """A column's value as people read it: a label, a name, a date or an amount in their language."""
    if column in MONEY and type(raw) is int and currency:
        return Markup("<bdi>%s</bdi>") % format_money(raw, currency)
    target = _reference(record_type, column)
    if target and isinstance(raw, int):
        return _named(target, raw, names)
    sql_column = _column(record_type, column)
    kind = getattr(sql_column.type, "impl", sql_column.type) if sql_column is not None else None  # UTCDateTime
    enum_class = getattr(sql_column.type if sql_column is not None else None, "enum_class", None)
    text = str(raw)
    try:
        if enum_class is not None and raw in {member.value for member in enum_class}:
            text = str(getattr(enum_class(raw), "label", raw))
        elif isinstance(raw, bool) or isinstance(kind, Boolean):
            text = _("Yes") if raw else _("No")
        elif isinstance(kind, DateTime) and isinstance(raw, str):
            moment = datetime.fromisoformat(raw)
            text = labelled_datetime(moment if moment.tzinfo else moment.replace(tzinfo=UTC), "short")
        elif isinstance(kind, Date) and isinstance(raw, str):
            text = format_date(date.fromisoformat(raw))
        elif column == "language" and raw:
            text = language_label(raw)
    except ValueError:  # a value the trail wrote before its column changed type: shown as written
        text = str(raw)
    if len(text) > LONGEST_VALUE:
        text = text[:LONGEST_VALUE - 1] + "…"
    return Markup("<bdi>%s</bdi>") % text


def _in_sentence(label) -> str:
    """A label inside a sentence: "Status" reads "status" where nouns take no capital."""
    text = str(label)
    first_word = text.split()[0] if text.split() else text
    if get_locale().language in CAPITALISED_NOUNS or (len(first_word) > 1 and first_word.isupper()):
        return text  # German nouns, and acronyms ("API token")
    return text[0].lower() + text[1:]


def _record(event, names: dict) -> Markup:
    kind = _record_kind(event.record_type)
    if (kind, event.record_id) in names:
        name = names[(kind, event.record_id)]
        text = language_label(name.text) if event.record_type == "agreement_texts" else None
        return _named(kind, event.record_id, names, text)
    changes = event.changes or {}
    for column in ("language",) if event.record_type == "agreement_texts" else NAMING_COLUMNS:
        pair = changes.get(column)
        value = next((v for v in (pair or []) if v is not None), None)
        if value is not None:
            target = _reference(event.record_type, column)
            if target:
                return _named(target, value, names)
            return Markup("<bdi>%s</bdi>") % (language_label(value) if column == "language" else value)
    return _named(None, event.record_id, names)


def _say(message, **values) -> Markup:
    return Markup(str(message)) % values


def _currency(event, column: str, side: int) -> str | None:
    """The currency of an amount in an event: the one it changed to or from, if the event says."""
    pair = (event.changes or {}).get(MONEY.get(column, ""))
    return pair[side] if pair else None


def _updates(event, who, record, names) -> list[Markup]:
    lines = []
    for column, (old, new) in (event.changes or {}).items():
        if column in UNSPOKEN:
            continue
        if column == "archived_at":
            lines.append(_say(say.ARCHIVED if new else say.UNARCHIVED, who=who, record=record))
            continue
        label = _in_sentence(field_label(event.record_type, column))
        if SECRET in (old, new):
            lines.append(_say(say.CHANGED_UNSHOWN, who=who, field=label, record=record))
        elif old is None:
            lines.append(_say(say.SET, who=who, field=label, record=record,
                              new=_value(event.record_type, column, new, names, _currency(event, column, 1))))
        elif new is None:
            lines.append(_say(say.CLEARED, who=who, field=label, record=record,
                              old=_value(event.record_type, column, old, names, _currency(event, column, 0))))
        else:
            lines.append(_say(say.CHANGED, who=who, field=label, record=record,
                              old=_value(event.record_type, column, old, names, _currency(event, column, 0)),
                              new=_value(event.record_type, column, new, names, _currency(event, column, 1))))
    return lines or [_say(say.CHANGED_ANY, who=who, record=record)]


def _sentences(event, names: dict) -> list[Markup]:
    who = (_named("users", event.user_id, names, event.user.name) if event.user
           else Markup("<bdi>%s</bdi>") % _("The system"))
    if event.record_type == "user_sessions":
        user = (event.changes or {}).get("user_id", [None])[0]
        return [_say(say.SESSION_ENDED, who=who, record=_named("users", user, names))]
    record = _record(event, names)
    if event.action == "update":
        return _updates(event, who, record, names)
    if event.action == "purge":  # crm.people.retention
        return [_say(say.PURGED, who=who, field=_in_sentence(field_label(event.record_type, column)), record=record)
                for column in event.changes or {}]
    partnership = _named("partnerships", event.partnership_id, names) if event.partnership_id else "—"
    parent = _parent(event, names)
    if event.action == "create":
        message = say.CREATED.get(event.record_type) or (
            say.IN_PARTNERSHIP["create"] if event.partnership_id else say.CREATED_ANY)
    elif event.action == "delete":
        message = say.DELETED.get(event.record_type) or (
            say.IN_PARTNERSHIP["delete"] if event.partnership_id else say.DELETED_ANY)
    else:
        message = say.IN_PARTNERSHIP["restore"] if event.partnership_id else say.RESTORED
    return [_say(message, who=who, record=record, partnership=partnership, parent=parent)]


def _parent(event, names: dict) -> Markup | str:
    """The agreement, mission or project a part was added to or removed from (its create and delete say)."""
    column = PARENTS.get(event.record_type)
    pair = (event.changes or {}).get(column) if column else None
    value = next((v for v in (pair or []) if v is not None), None)
    return _named(_reference(event.record_type, column), value, names) if value is not None else "—"


def read_events(events) -> list[Entry]:
    """Each event with its sentences; one query names every record the events mention."""
    events = list(events)
    names = record_names(_wanted(events))
    return [Entry(event, _sentences(event, names)) for event in events]
