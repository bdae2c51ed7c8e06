from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.database import UTCDateTime, utcnow
from crm.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(16))  #: create, update or delete
    record_type: Mapped[str] = mapped_column(String(64))  #: the table
    record_id: Mapped[int | None]
    #: the partnership the record belongs to, for its history and for filtering
    partnership_id: Mapped[int | None] = mapped_column(index=True)
    #: {field: [old, new]} as text; secrets are never recorded, only that they changed
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_audit_events_record", "record_type", "record_id"),)
