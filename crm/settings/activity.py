"""Moves the office's activity stamp (crm.activity) in the flush that changes what health figures use."""
from sqlalchemy import event, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from crm.activity import activity_changed, new_stamp
from crm.settings.models import OfficeSettings


@event.listens_for(Session, "before_flush")
def mark_activity(session, flush_context, instances):
    """Any change to an engagement, a partnership or a home city makes the cached figures stale."""
    if activity_changed(session):
        settings = session.get(OfficeSettings, 1)
        if settings is None:
            session.add(OfficeSettings(id=1))
            return
        # Past the ORM, so the stamp does not count as an edit of the settings (their version stays).
        stamp = new_stamp()
        session.connection().execute(
            update(OfficeSettings.__table__).where(OfficeSettings.__table__.c.id == 1).values(activity_stamp=stamp))
        set_committed_value(settings, "activity_stamp", stamp)
