"""How long sensitive values are kept (issue 22 §7), and their purge.

An administrator sets, per sensitive field, the days it is kept after the person's visit ends (a RetentionRule;
no rule: kept). The visit ends on the latest day the person's roster entries end: the entry's leaves_on, else its
engagement's end (a mission's or an exchange's ends_on, else the day it took place). A person on no roster counts
from the last change of their contact record. A host's vetting result counts from the end of their last placement
or the day their vetting expires, whichever is later (else from the last change of the host's record).

A value is kept for the whole of its ``days`` after that day and purged on the next: medical notes kept 30 days
after a visit that ended on 1 March go on 1 April. The purge runs with the nightly purge (crm.trash.tasks) and the
``flask crm purge-deleted`` command; it is idempotent (a purged value is empty, and an empty one is never touched
again). It writes straight to the tables, so the audit trail gets one "purge" event per record naming the fields,
never their values; the record's version moves on, so a form opened before the purge cannot write the value back.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, insert, or_, select, update

from crm.audit.models import AuditEvent
from crm.clock import office_timezone, office_today, utcnow
from crm.extensions import db
from crm.localtime import today_in
from crm.privacy import MASK, SENSITIVE_FIELDS, sensitive_columns
from crm.settings.models import RetentionRule

#: the most days a rule may keep a value (100 years: "for good" is no rule at all)
MAX_DAYS = 36500
#: ids per UPDATE statement (far below every database's limit on bound parameters)
CHUNK = 500


def retention_rules() -> dict[str, int]:
    """Field ("contacts.medical_notes") → days kept after the visit, for the fields that have a rule."""
    return {rule.field: rule.days for rule in db.session.scalars(select(RetentionRule))
            if rule.field in SENSITIVE_FIELDS}


def fingerprint(rules: dict[str, int]) -> str:
    """The rules as one string, the version a form was opened with: "contacts.medical_notes=30;…"."""
    return ";".join(f"{name}={days}" for name, days in sorted(rules.items()))


class RulesChanged(Exception):
    """Someone saved the retention rules since the form was opened."""


def save_retention_rules(days_by_field: dict[str, int | None], seen: str) -> dict[str, int]:
    """Replace the rules (None: no rule, the field is kept), unless they changed since the form showed ``seen``
    (RulesChanged). Two administrators saving at once are put one after the other by a lock on the office's
    settings row, so the second one sees the first one's rules and is told. Flushes; returns the new rules."""
    from crm.settings.models import OfficeSettings
    from crm.settings.service import office_settings

    settings_id = office_settings().id
    db.session.execute(select(OfficeSettings.id).where(OfficeSettings.id == settings_id).with_for_update())
    existing = {rule.field: rule for rule in db.session.scalars(
        select(RetentionRule).execution_options(populate_existing=True))}
    if fingerprint({name: rule.days for name, rule in existing.items()}) != seen:
        raise RulesChanged
    for name in SENSITIVE_FIELDS:
        days, rule = days_by_field.get(name), existing.get(name)
        if days is None and rule is not None:
            db.session.delete(rule)
        elif days is not None and rule is None:
            db.session.add(RetentionRule(field=name, days=days))
        elif days is not None and rule.days != days:
            rule.days = days
    db.session.flush()
    return retention_rules()


@dataclass
class Due:
    """A record with sensitive values past their retention."""

    table: str  #: "contacts" or "helpers"
    record_id: int
    partnership_id: int | None
    fields: list[str] = field(default_factory=list)  #: columns: "medical_notes"


def _tables():
    from crm.contacts.models import Contact
    from crm.engagements.models import Engagement
    from crm.programs.exchanges.models import Exchange
    from crm.programs.missions.models import TradeMission
    from crm.protocol.models import Helper, Placement, RosterEntry

    return (Contact.__table__, Helper.__table__, RosterEntry.__table__, Placement.__table__,
            Engagement.__table__, TradeMission.__table__, Exchange.__table__)


def _stay_end(roster, engagements, missions, exchanges, *first):
    """The day a roster entry's stay ended: its own leaves_on, else its engagement's end (tables, not models,
    so a deleted engagement's stays count too: its roster is kept until the engagement is purged)."""
    return func.coalesce(*first, roster.c.leaves_on, missions.c.ends_on, exchanges.c.ends_on,
                         engagements.c.occurred_on)


def _with_stays(query, roster, engagements, missions, exchanges):
    return (query.join(engagements, engagements.c.id == roster.c.engagement_id)
            .outerjoin(missions, missions.c.id == engagements.c.id)
            .outerjoin(exchanges, exchanges.c.id == engagements.c.id))


def _changed_on(moment) -> date | None:
    """The office's date of a record's last change."""
    return today_in(office_timezone(), moment) if moment is not None else None


def due_for_purge(today: date | None = None) -> list[Due]:
    """Every record holding a sensitive value whose retention has run out on ``today`` (the office's). Three
    queries whatever the number of records."""
    today = today or office_today()
    rules = retention_rules()
    if not rules:
        return []
    contacts, helpers, roster, placements, engagements, missions, exchanges = _tables()
    due: list[Due] = []

    def expired(table: str, reference: date | None, present: dict[str, bool]) -> list[str]:
        if reference is None:
            return []
        return [column for column, held in present.items()
                if held and today > reference + timedelta(days=rules[f"{table}.{column}"])]

    columns = [column for column in sorted(sensitive_columns("contacts")) if f"contacts.{column}" in rules]
    if columns:
        last_visit = _with_stays(
            select(roster.c.contact_id, func.max(_stay_end(roster, engagements, missions, exchanges))
                   .label("ended_on")), roster, engagements, missions, exchanges
        ).group_by(roster.c.contact_id).subquery()
        rows = db.session.execute(
            select(contacts.c.id, contacts.c.partnership_id, contacts.c.updated_at, last_visit.c.ended_on,
                   *[contacts.c[column].is_not(None).label(column) for column in columns])
            .outerjoin(last_visit, last_visit.c.contact_id == contacts.c.id)
            .where(or_(*[contacts.c[column].is_not(None) for column in columns]))
            .order_by(contacts.c.id))
        for row in rows:
            reference = row.ended_on or _changed_on(row.updated_at)
            if fields := expired("contacts", reference, {column: bool(row._mapping[column]) for column in columns}):
                due.append(Due("contacts", row.id, row.partnership_id, fields))

    if "helpers.vetting_result" in rules:
        last_stay = _with_stays(
            select(placements.c.helper_id,
                   func.max(_stay_end(roster, engagements, missions, exchanges, placements.c.until_on))
                   .label("ended_on"))
            .select_from(placements).join(roster, roster.c.id == placements.c.roster_entry_id),
            roster, engagements, missions, exchanges).group_by(placements.c.helper_id).subquery()
        rows = db.session.execute(
            select(helpers.c.id, helpers.c.updated_at, helpers.c.vetting_expires_on, last_stay.c.ended_on,
                   contacts.c.partnership_id)
            .join(contacts, contacts.c.id == helpers.c.contact_id)
            .outerjoin(last_stay, last_stay.c.helper_id == helpers.c.id)
            .where(helpers.c.vetting_result.is_not(None))
            .order_by(helpers.c.id))
        for row in rows:
            known = [day for day in (row.ended_on, row.vetting_expires_on) if day is not None]
            reference = max(known) if known else _changed_on(row.updated_at)
            if expired("helpers", reference, {"vetting_result": True}):
                due.append(Due("helpers", row.id, row.partnership_id, ["vetting_result"]))
    return due


def purge_sensitive(today: date | None = None) -> int:
    """Empty every sensitive value past its retention on ``today`` (the office's), with one audit event per
    record ("purge", the fields, never the values). Returns how many values were purged. Flushes."""
    due = due_for_purge(today)
    if not due:
        return 0
    contacts, helpers, *_rest = _tables()
    tables = {"contacts": contacts, "helpers": helpers}
    groups: dict[tuple[str, tuple[str, ...]], list[int]] = {}
    for record in due:
        groups.setdefault((record.table, tuple(record.fields)), []).append(record.record_id)
    db.session.flush()  # nothing of the session's own is left to write over the purge
    for (table_name, fields), ids in groups.items():
        table = tables[table_name]
        for start in range(0, len(ids), CHUNK):
            # updated_at kept: a purge is no change by a person, and it is what a person on no roster counts from
            db.session.execute(
                update(table).where(table.c.id.in_(ids[start:start + CHUNK]))
                .values({**{column: None for column in fields}, "version": table.c.version + 1,
                         "updated_at": table.c.updated_at}))
    now = utcnow()
    db.session.execute(insert(AuditEvent.__table__), [
        {"occurred_at": now, "user_id": None, "action": "purge", "record_type": record.table,
         "record_id": record.record_id, "partnership_id": record.partnership_id,
         "changes": {column: [MASK, None] for column in record.fields}} for record in due])
    # objects the session holds read the purged columns (and the version) afresh
    for record in db.session.identity_map.values():
        if getattr(record, "__tablename__", None) in tables:
            db.session.expire(record)
    return sum(len(record.fields) for record in due)


def due_counts(today: date | None = None) -> dict[str, int]:
    """Field ("contacts.medical_notes") → how many values the next purge removes."""
    counts: dict[str, int] = {}
    for record in due_for_purge(today):
        for column in record.fields:
            key = f"{record.table}.{column}"
            counts[key] = counts.get(key, 0) + 1
    return counts
