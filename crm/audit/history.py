"""A partnership's recent changes, for its page."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.audit.models import AuditEvent
from crm.extensions import db


def partnership_history(partnership_id: int, limit: int = 15) -> list[AuditEvent]:
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.partnership_id == partnership_id)
        .options(joinedload(AuditEvent.user)).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(limit)))
