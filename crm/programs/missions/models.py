from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, synonym

from crm.auth.models import User
from crm.cities.models import City
from crm.contacts.models import Contact, Organization
from crm.database import UTCDateTime, enum_type, utcnow
from crm.engagements.models import Engagement
from crm.enums import EngagementKind, MissionDirection, OutcomeKind
from crm.extensions import db
from crm.versioning import Versioned


class TradeMission(Engagement):
    """A trade mission: an engagement with dates, a delegation, an itinerary and outcomes."""

    __tablename__ = "trade_missions"

    id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"), primary_key=True)
    direction: Mapped[MissionDirection] = mapped_column(enum_type(MissionDirection))
    ends_on: Mapped[date]
    destination_city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    objectives: Mapped[str | None] = mapped_column(Text)
    sectors: Mapped[str | None] = mapped_column(String(500))  #: comma-separated

    starts_on = synonym("occurred_on")
    destination: Mapped[City | None] = relationship(foreign_keys=[destination_city_id])
    lead: Mapped[User | None] = relationship(foreign_keys=[lead_id])
    delegates: Mapped[list["Delegate"]] = relationship(
        back_populates="mission", cascade="all, delete-orphan", order_by="Delegate.id")
    itinerary: Mapped[list["ItineraryItem"]] = relationship(
        back_populates="mission", cascade="all, delete-orphan", order_by="ItineraryItem.starts_at")
    outcomes: Mapped[list["MissionOutcome"]] = relationship(
        back_populates="mission", cascade="all, delete-orphan", order_by="MissionOutcome.id")

    __mapper_args__ = {"polymorphic_identity": "trade_mission"}

    def __init__(self, **fields):
        fields.setdefault("kind", EngagementKind.TRADE_MISSION)
        super().__init__(**fields)

    @property
    def sector_list(self) -> list[str]:
        return [s.strip() for s in (self.sectors or "").split(",") if s.strip()]


class Delegate(db.Model):
    """A member of a mission's delegation: a contact, an organization, or both."""

    __tablename__ = "mission_delegates"

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("trade_missions.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    role: Mapped[str | None] = mapped_column(String(200))

    mission: Mapped[TradeMission] = relationship(back_populates="delegates")
    contact: Mapped[Contact | None] = relationship()
    organization: Mapped[Organization | None] = relationship()


class ItineraryItem(Versioned, db.Model):
    """One appointment of a mission, at a moment stored in UTC with the place's time zone."""

    __tablename__ = "itinerary_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("trade_missions.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64))  #: IANA zone of the place where it happens
    title: Mapped[str] = mapped_column(String(300))
    location: Mapped[str | None] = mapped_column(String(300))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    notes: Mapped[str | None] = mapped_column(Text)
    #: the interpreter at this appointment, and the language pair or language they interpret (issue 22 §5)
    interpreter_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    interpreter_language: Mapped[str | None] = mapped_column(String(50))

    mission: Mapped[TradeMission] = relationship(back_populates="itinerary")
    contact: Mapped[Contact | None] = relationship(foreign_keys=[contact_id])
    interpreter: Mapped[Contact | None] = relationship(foreign_keys=[interpreter_id])


class ItineraryComment(db.Model):
    """A remark on an itinerary item, from the partner side or from staff."""

    __tablename__ = "itinerary_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("itinerary_items.id", ondelete="CASCADE"), index=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the comment this one answers (a staff reply to a partner's comment); None: a comment of its own
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("itinerary_comments.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()


class MissionOutcome(db.Model):
    __tablename__ = "mission_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("trade_missions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[OutcomeKind] = mapped_column(enum_type(OutcomeKind))
    description: Mapped[str] = mapped_column(String(500))
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)  #: in the currency's minor unit
    currency: Mapped[str | None] = mapped_column(String(3))  #: ISO 4217

    mission: Mapped[TradeMission] = relationship(back_populates="outcomes")
