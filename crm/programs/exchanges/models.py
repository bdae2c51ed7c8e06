from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship, synonym

from crm.contacts.models import Organization
from crm.database import enum_type
from crm.engagements.models import Engagement, EngagementKind
from crm.enums import LabelledEnum


class ExchangeKind(LabelledEnum):
    STUDENT = "student", _l("Student")
    YOUTH = "youth", _l("Youth")
    ACADEMIC = "academic", _l("Academic")
    CULTURAL = "cultural", _l("Cultural")
    PROFESSIONAL = "professional", _l("Professional")
    SPORTS = "sports", _l("Sports")
    MUNICIPAL_STAFF = "municipal_staff", _l("Municipal staff")


class ExchangeDirection(LabelledEnum):
    OUTGOING = "outgoing", _l("Outgoing")
    INCOMING = "incoming", _l("Incoming")
    BOTH = "both", _l("Both ways")


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
