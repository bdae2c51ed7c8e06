import enum
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship, synonym

from crm.contacts.models import Organization
from crm.database import enum_type
from crm.engagements.models import Engagement, EngagementKind


class ExchangeKind(enum.StrEnum):
    STUDENT = "student"
    YOUTH = "youth"
    ACADEMIC = "academic"
    CULTURAL = "cultural"
    PROFESSIONAL = "professional"
    SPORTS = "sports"
    MUNICIPAL_STAFF = "municipal_staff"

    @property
    def label(self):
        return {
            ExchangeKind.STUDENT: _l("Student"),
            ExchangeKind.YOUTH: _l("Youth"),
            ExchangeKind.ACADEMIC: _l("Academic"),
            ExchangeKind.CULTURAL: _l("Cultural"),
            ExchangeKind.PROFESSIONAL: _l("Professional"),
            ExchangeKind.SPORTS: _l("Sports"),
            ExchangeKind.MUNICIPAL_STAFF: _l("Municipal staff"),
        }[self]


class ExchangeDirection(enum.StrEnum):
    OUTGOING = "outgoing"
    INCOMING = "incoming"
    BOTH = "both"

    @property
    def label(self):
        return {ExchangeDirection.OUTGOING: _l("Outgoing"), ExchangeDirection.INCOMING: _l("Incoming"),
                ExchangeDirection.BOTH: _l("Both ways")}[self]


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
