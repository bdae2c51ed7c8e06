"""Moves the office's activity stamp (crm.activity) in the flush that changes what health figures use, and
records the move with the partnerships it was about (ActivityChange), so cached figures can be brought up to
date for those alone (crm.health.snapshot)."""
from sqlalchemy import delete, event, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from crm.activity import changed_partnership_ids, changed_records, new_stamp
from crm.settings.models import SETTINGS_ROW, ActivityChange, OfficeSettings

KEEP_CHANGES = 1000  #: chain rows kept; a process further behind recomputes everything
PRUNE_EVERY = 100

_settings = OfficeSettings.__table__


@event.listens_for(Session, "before_flush")
def make_sure_settings_exist(session, flush_context, instances):
    """The stamp lives on the settings row: created with this flush the first time anything changes."""
    if changed_records(session) and session.get(OfficeSettings, SETTINGS_ROW) is None:
        session.add(OfficeSettings(id=SETTINGS_ROW))


@event.listens_for(Session, "after_flush")
def mark_activity(session, flush_context):
    """Any change to an engagement, a partnership or a home city makes the cached figures stale: a new stamp,
    and a row saying which partnerships it was about (after the flush, so new records have their ids)."""
    records = changed_records(session)
    if not records:
        return
    connection = session.connection()
    # Locks the row until commit: changes get their stamps (and their place in the chain) in commit order.
    previous = connection.execute(
        select(_settings.c.activity_stamp).where(_settings.c.id == SETTINGS_ROW).with_for_update()).scalar()
    stamp = new_stamp()
    # Past the ORM, so the stamp does not count as an edit of the settings (their version stays).
    connection.execute(update(_settings).where(_settings.c.id == SETTINGS_ROW).values(activity_stamp=stamp))
    ids = changed_partnership_ids(records)
    row_id = connection.execute(insert(ActivityChange.__table__).values(
        stamp=stamp, previous=previous, partnership_ids=sorted(ids) if ids is not None else None)
        .returning(ActivityChange.__table__.c.id)).scalar()
    if row_id % PRUNE_EVERY == 0:
        connection.execute(delete(ActivityChange.__table__).where(ActivityChange.__table__.c.id <= row_id - KEEP_CHANGES))
    settings = session.identity_map.get(session.identity_key(OfficeSettings, SETTINGS_ROW))
    if settings is not None:
        set_committed_value(settings, "activity_stamp", stamp)
