from datetime import date

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship, synonym

from crm.contacts.models import Organization
from crm.database import enum_type
from crm.engagements.models import Engagement
from crm.enums import EngagementKind, ExchangeDirection, ExchangeKind


class Exchange(Engagement):
    __tablename__ = "exchanges"

    id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"), primary_key=True)
    exchange_kind: Mapped[ExchangeKind] = mapped_column(enum_type(ExchangeKind))
    direction: Mapped[ExchangeDirection] = mapped_column(enum_type(ExchangeDirection))
    ends_on: Mapped[date]
    participants: Mapped[int] = mapped_column(default=0)
    host_organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))

    starts_on = synonym("occurred_on")
    host_organization: Mapped[Organization | None] = relationship()

    __mapper_args__ = {"polymorphic_identity": "exchange"}

    def __init__(self, **fields):
        fields.setdefault("kind", EngagementKind.EXCHANGE)
        super().__init__(**fields)
