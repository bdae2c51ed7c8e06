"""The records of delegations and protocol: who took part in an engagement (roster entries), what it cost and
who approved it, the gifts given and received, and the host households and volunteers with their placements."""
from datetime import date

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.contacts.models import Contact
from crm.database import Timestamped, enum_type
from crm.engagements.models import Engagement
from crm.enums import (
    CostCategory,
    CostStage,
    GiftDirection,
    GiftDisposition,
    HelperKind,
    ParticipantRole,
    Payer,
    Side,
    Visibility,
)
from crm.extensions import db
from crm.partnerships.models import Partnership
from crm.versioning import Versioned


class RosterEntry(Versioned, Timestamped, db.Model):
    """A named participant of an engagement (visit, exchange, event, mission): the person, their side, town
    and country, role and dates of stay. The person (a Contact) carries the name, its scripts and the
    sensitive fields; the entry carries what is true of this trip."""
    __tablename__ = "roster_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    side: Mapped[Side] = mapped_column(enum_type(Side))  #: home: our town's list; partner: theirs
    role: Mapped[ParticipantRole] = mapped_column(enum_type(ParticipantRole), default=ParticipantRole.DELEGATE)
    town: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))  #: ISO 3166-1 alpha-2
    arrives_on: Mapped[date | None]
    leaves_on: Mapped[date | None]
    minor: Mapped[bool | None] = mapped_column(Boolean)  #: only where the office collects it
    #: who funds this traveller, and the grant's or sponsor's name where it is one
    funded_by: Mapped[Payer | None] = mapped_column(enum_type(Payer))
    funder_name: Mapped[str | None] = mapped_column(String(200))
    #: what a host placement must respect (crm.protocol.hosting)
    no_pets: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    no_smoking: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    step_free: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: the host the partner asked for (their list), if any
    requested_helper_id: Mapped[int | None] = mapped_column(ForeignKey("helpers.id", ondelete="SET NULL"))
    added_by_side: Mapped[Side] = mapped_column(enum_type(Side), default=Side.HOME)

    engagement: Mapped[Engagement] = relationship()
    contact: Mapped[Contact] = relationship()

    __table_args__ = (UniqueConstraint("engagement_id", "contact_id", name="uq_roster_entries_engagement_contact"),
                      CheckConstraint("leaves_on IS NULL OR arrives_on IS NULL OR leaves_on >= arrives_on",
                                      name="roster_stay"))


class CostLine(Versioned, Timestamped, db.Model):
    """A budget line or an actual cost of a trip or event, in the currency's minor unit (never summed across
    currencies); receipts are attachments with its cost_line_id."""
    __tablename__ = "cost_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"), index=True)
    stage: Mapped[CostStage] = mapped_column(enum_type(CostStage))
    category: Mapped[CostCategory] = mapped_column(enum_type(CostCategory))
    description: Mapped[str | None] = mapped_column(String(300))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))  #: ISO 4217
    paid_by: Mapped[Payer] = mapped_column(enum_type(Payer))
    payer_name: Mapped[str | None] = mapped_column(String(200))  #: the grant, sponsor or partner body
    #: the traveller this cost is for (their flight, their hotel), if it is one person's
    roster_entry_id: Mapped[int | None] = mapped_column(ForeignKey("roster_entries.id", ondelete="SET NULL"))

    engagement: Mapped[Engagement] = relationship()
    roster_entry: Mapped[RosterEntry | None] = relationship()

    __table_args__ = (CheckConstraint("amount_minor >= 0", name="cost_not_negative"),)


class TripApproval(Versioned, Timestamped, db.Model):
    """The approval of a trip before it starts: the body, the date and its reference (a council resolution)."""
    __tablename__ = "trip_approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"), unique=True)
    body: Mapped[str] = mapped_column(String(200))  #: "City Council", "City Manager"
    approved_on: Mapped[date]
    reference: Mapped[str | None] = mapped_column(String(200))  #: "Resolution 2026-114"
    notes: Mapped[str | None] = mapped_column(Text)

    engagement: Mapped[Engagement] = relationship()


class Gift(Versioned, Timestamped, db.Model):
    """A protocol gift received or given, for the ethics register."""
    __tablename__ = "gifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnerships.id", ondelete="SET NULL"),
                                                       index=True)
    engagement_id: Mapped[int | None] = mapped_column(ForeignKey("engagements.id", ondelete="SET NULL"),
                                                      index=True)  #: the occasion
    direction: Mapped[GiftDirection] = mapped_column(enum_type(GiftDirection))
    given_on: Mapped[date]  #: the day it changed hands
    occasion: Mapped[str | None] = mapped_column(String(300))  #: when no engagement says it
    from_name: Mapped[str] = mapped_column(String(300))  #: person, office or city
    from_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    to_name: Mapped[str] = mapped_column(String(300))
    to_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    description: Mapped[str] = mapped_column(Text)
    value_minor: Mapped[int | None] = mapped_column(BigInteger)  #: estimated
    currency: Mapped[str | None] = mapped_column(String(3))
    disposition: Mapped[GiftDisposition | None] = mapped_column(enum_type(GiftDisposition))
    recorded_on: Mapped[date]  #: the office day it was entered: the recording deadline runs from given_on
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    partnership: Mapped[Partnership | None] = relationship()
    engagement: Mapped[Engagement | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    __table_args__ = (CheckConstraint("value_minor IS NULL OR value_minor >= 0", name="gift_value_not_negative"),)


class Helper(Versioned, Timestamped, db.Model):
    """A host household or a volunteer (day host, driver, interpreter, guide) in the office's registry. The
    person is a Contact; vetting_result is sensitive."""
    __tablename__ = "helpers"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[HelperKind] = mapped_column(enum_type(HelperKind))
    household_name: Mapped[str | None] = mapped_column(String(200))  #: "The Tanaka family"
    address: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(50))  #: the emergency number
    languages: Mapped[str | None] = mapped_column(String(200))  #: comma-separated codes: "en, ja"
    rooms: Mapped[int] = mapped_column(Integer, default=0)
    beds: Mapped[int] = mapped_column(Integer, default=0)
    pets: Mapped[bool] = mapped_column(Boolean, default=False)
    smoking: Mapped[bool] = mapped_column(Boolean, default=False)
    step_free: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    vetted_on: Mapped[date | None]
    vetting_expires_on: Mapped[date | None]
    vetting_result: Mapped[str | None] = mapped_column(Text)  #: sensitive
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    contact: Mapped[Contact] = relationship()

    __table_args__ = (CheckConstraint("rooms >= 0 AND beds >= 0", name="helper_capacity"),)


class Placement(Versioned, Timestamped, db.Model):
    """A participant's stay with a host household (or a volunteer's assignment) during one engagement."""
    __tablename__ = "placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"), index=True)
    roster_entry_id: Mapped[int] = mapped_column(ForeignKey("roster_entries.id", ondelete="CASCADE"))
    helper_id: Mapped[int] = mapped_column(ForeignKey("helpers.id", ondelete="CASCADE"), index=True)
    from_on: Mapped[date | None]  #: None: the whole stay
    until_on: Mapped[date | None]
    suggested: Mapped[bool] = mapped_column(Boolean, default=False)  #: made by the suggestion, not yet confirmed
    visibility: Mapped[Visibility] = mapped_column(enum_type(Visibility), default=Visibility.SHARED)

    engagement: Mapped[Engagement] = relationship()
    roster_entry: Mapped[RosterEntry] = relationship()
    helper: Mapped[Helper] = relationship()

    __table_args__ = (UniqueConstraint("roster_entry_id", "helper_id", name="uq_placements_entry_helper"),)
