"""The queries of the audit trail page."""
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from crm.audit.models import AuditEvent
from crm.auth.models import User
from crm.extensions import db


def people() -> list[tuple[int, str]]:
    """Every account's id and name, by name: whose changes the page can show."""
    return [(row.id, row.name) for row in db.session.execute(select(User.id, User.name).order_by(User.name))]


def audit_events(*, partnership: int | None = None, user: int | None = None, record: str | None = None,
                 since: date | None = None, until: date | None = None) -> Select:
    """The trail, newest first, narrowed to a partnership, a person, a kind of record and a period."""
    query = select(AuditEvent).options(joinedload(AuditEvent.user)).order_by(AuditEvent.occurred_at.desc(),
                                                                            AuditEvent.id.desc())
    if partnership:
        query = query.where(AuditEvent.partnership_id == partnership)
    if user:
        query = query.where(AuditEvent.user_id == user)
    if record:
        query = query.where(AuditEvent.record_type == record.strip().lower())
    if since:
        query = query.where(AuditEvent.occurred_at >= since)
    if until:
        query = query.where(AuditEvent.occurred_at < until)
    return query
