"""Merging two contacts that are one person: the kept one takes the values chosen from the other, everything that
pointed at the dropped one points at the kept one, the dropped one is deleted, and the audit trail says so on
the kept one. One transaction (the request commits); a change to either contact since the page was shown stops
it (their versions), and the database settles a race (the kept one's versioned UPDATE, the dropped one's
versioned DELETE)."""
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm.exc import StaleDataError

from crm.audit.models import AuditEvent
from crm.clock import utcnow
from crm.contacts.links import links as link_table
from crm.contacts.models import Contact, PersonLink
from crm.extensions import db
from crm.privacy import can_see_sensitive, sensitive_columns
from crm.programs.missions.models import Delegate
from crm.protocol.models import CostLine, Placement, RosterEntry

#: the person's own fields a merge may take from the dropped contact, in the order the page shows them (where
#: the person is, their side and organization, are their links' and move with them)
PERSON_FIELDS = ("name", "honorific", "name_native", "name_romanized", "family_name_first", "passport_name",
                 "job_title", "email", "phone", "language", "languages", "sex", "town", "country", "notes")
SENSITIVE = ("passport_number", "date_of_birth", "dietary_needs", "medical_notes")
assert set(SENSITIVE) == sensitive_columns("contacts")


class MergeConflict(Exception):
    """One of the two contacts changed (or went) since the merge page was shown."""


@dataclass
class Merged:
    kept_id: int
    dropped_id: int
    dropped_name: str
    taken: list[str]  #: the fields whose value came from the dropped contact


def _blank(value) -> bool:
    return value is None or value == "" or value is False


def differing_fields(keep: Contact, drop: Contact) -> list[str]:
    """The fields where the dropped contact holds a value the kept one does not, that the reader chooses
    between: sensitive ones only for a reader who may see them (for the others the kept contact's value stays,
    or the dropped one's fills a blank)."""
    names = PERSON_FIELDS + (SENSITIVE if can_see_sensitive() else ())
    return [name for name in names if getattr(keep, name) != getattr(drop, name) and not _blank(getattr(drop, name))]


def default_choice(keep: Contact, drop: Contact, name: str) -> str:
    """"drop" where only the dropped contact has a value (nothing is lost by default), else "keep"."""
    return "drop" if _blank(getattr(keep, name)) and not _blank(getattr(drop, name)) else "keep"


def _foreign_keys_to_contacts():
    """Every (table, column) that points at contacts.id, found in the schema so that a table added later is
    not forgotten."""
    contacts = Contact.__table__
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column is contacts.c.id:
                yield table, fk.parent


def _merge_links(session, keep: Contact, drop: Contact) -> None:
    """The dropped person's links move to the kept one; where both are linked to the same partnership, the kept
    link stays and takes the organization and role it lacks."""
    kept = {link.partnership_id: link for link in session.scalars(
        select(PersonLink).where(PersonLink.contact_id == keep.id))}
    for link in session.scalars(select(PersonLink).where(PersonLink.contact_id == drop.id)).all():
        same = kept.get(link.partnership_id)
        if same is None:
            link.contact_id = keep.id
            continue
        same.organization_id = same.organization_id or link.organization_id
        same.role = same.role or link.role
        session.delete(link)
    session.flush()


def _merge_rosters(session, keep: Contact, drop: Contact) -> None:
    """The dropped person's roster entries move to the kept one, except on a roster the kept one is on already:
    there the entry's costs and placements move to the kept one's entry, and the entry goes."""
    kept = {entry.engagement_id: entry.id for entry in session.scalars(
        select(RosterEntry).where(RosterEntry.contact_id == keep.id))}
    for entry in session.scalars(select(RosterEntry).where(RosterEntry.contact_id == drop.id)).all():
        target = kept.get(entry.engagement_id)
        if target is None:
            entry.contact_id = keep.id
            continue
        session.execute(update(CostLine.__table__).where(CostLine.__table__.c.roster_entry_id == entry.id)
                           .values(roster_entry_id=target))
        placements = Placement.__table__
        taken_helpers = select(placements.c.helper_id).where(placements.c.roster_entry_id == target)
        session.execute(update(placements).where(placements.c.roster_entry_id == entry.id,
                                                    placements.c.helper_id.not_in(taken_helpers))
                           .values(roster_entry_id=target))
        session.delete(entry)
    session.flush()


def _merge_delegations(session, keep: Contact, drop: Contact) -> None:
    """A delegation both were in keeps the kept one only."""
    delegates = Delegate.__table__
    session.execute(delete(delegates).where(
        delegates.c.contact_id == drop.id,
        delegates.c.mission_id.in_(select(delegates.c.mission_id).where(delegates.c.contact_id == keep.id)
                                   .scalar_subquery())))


def merge(keep: Contact, drop: Contact, taken: list[str], keep_version, drop_version, session=None) -> Merged:
    """Merge drop into keep, taking the named fields' values from drop. Raises MergeConflict when either changed
    since the versions the reader saw (nothing is changed then: the caller rolls back). session: the request's
    by default."""
    session = session or db.session
    if keep.id == drop.id:
        raise ValueError("a contact cannot be merged with itself")
    if str(keep.version) != str(keep_version) or str(drop.version) != str(drop_version):
        raise MergeConflict
    allowed = set(PERSON_FIELDS) | (set(SENSITIVE) if can_see_sensitive() else set())
    taken = [name for name in PERSON_FIELDS + SENSITIVE if name in taken and name in allowed]
    if not can_see_sensitive():  # what the reader cannot see is not lost: it fills the kept one's blanks
        taken += [name for name in SENSITIVE if _blank(getattr(keep, name)) and not _blank(getattr(drop, name))]
    for name in taken:
        setattr(keep, name, getattr(drop, name))
    keep.updated_at = utcnow()  # a versioned UPDATE of the kept one even when it takes nothing
    merged = Merged(keep.id, drop.id, drop.name, taken)
    try:
        session.flush()
        _merge_links(session, keep, drop)
        _merge_rosters(session, keep, drop)
        _merge_delegations(session, keep, drop)
        for table, column in _foreign_keys_to_contacts():
            if table is not link_table and table is not RosterEntry.__table__:
                session.execute(update(table).where(column == drop.id).values({column.name: keep.id}))
        session.delete(drop)  # DELETE ... WHERE version = the one shown
        session.flush()
    except StaleDataError as error:
        raise MergeConflict from error
    session.execute(insert(AuditEvent.__table__).values(
        occurred_at=utcnow(), user_id=_actor_id(), action="update", record_type="contacts", record_id=keep.id,
        partnership_id=keep.partnership_id,
        changes={"merged_duplicate": [None, f"{merged.dropped_name} (#{merged.dropped_id})"],
                 "merged_fields": [None, ", ".join(taken) or "—"]}))
    return merged


def _actor_id():
    from crm.audit.trail import _actor_id as actor

    return actor()
