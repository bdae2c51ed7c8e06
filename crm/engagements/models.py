from datetime import date

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, false, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from crm.activity import StampsActivity
from crm.auth.models import User
from crm.clock import office_today
from crm.database import Timestamped, enum_type
from crm.enums import EngagementKind, Pillar, Side, Visibility
from crm.extensions import db
from crm.indexes import trigram_index
from crm.partnerships.models import Partnership
from crm.soft_delete import SoftDeletable
from crm.versioning import Versioned, version_mapper_args

#: kinds staff and partners log by hand; the others come from their own records
LOGGABLE_KINDS = (EngagementKind.MEETING, EngagementKind.CALL, EngagementKind.LETTER, EngagementKind.VISIT,
                  EngagementKind.EVENT, EngagementKind.CEREMONY, EngagementKind.OTHER)
#: kinds whose timeline entry is kept in step by an agreement or a project
DERIVED_KINDS = (EngagementKind.AGREEMENT, EngagementKind.MILESTONE)


class Engagement(StampsActivity, Versioned, SoftDeletable, Timestamped, db.Model):
    """One thing that happened (or is planned) in a partnership.

    Trade missions, exchanges and joint projects are subtypes in tables of
    their own joined to this one, so the timeline and the ceremonial rule
    read a single table.
    """

    partnership_key = "partnership_id"  #: its changes move that partnership's health figures

    __tablename__ = "engagements"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"))
    #: which subtype table, if any, holds the rest of this record
    record_type: Mapped[str] = mapped_column(String(32), default="engagement")
    kind: Mapped[EngagementKind] = mapped_column(enum_type(EngagementKind))
    occurred_on: Mapped[date]  #: a date in the future means planned
    title: Mapped[str] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)
    #: a working contact (True) or protocol only: greetings, anniversaries, courtesy visits
    substantive: Mapped[bool] = mapped_column(default=True)
    visibility: Mapped[Visibility] = mapped_column(enum_type(Visibility), default=Visibility.SHARED)
    pillar: Mapped[Pillar | None] = mapped_column(enum_type(Pillar))
    #: the side that started it, whoever typed it in
    initiated_by: Mapped[Side] = mapped_column(enum_type(Side), default=Side.HOME)
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the side of the person who logged it (partner = a guest user)
    logged_by_side: Mapped[Side] = mapped_column(enum_type(Side), default=Side.HOME)
    #: what it cost our side, where recorded, in the currency's minor unit
    cost_minor: Mapped[int | None] = mapped_column(BigInteger)
    cost_currency: Mapped[str | None] = mapped_column(String(3))  #: ISO 4217
    funded_by: Mapped[str | None] = mapped_column(String(200))  #: e.g. a state grant, the partner
    # The public face (issue 23): a shared engagement of a public partnership that staff mark as a highlight
    is_public: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: what the public page says of it, written for the public (notes are never shown there)
    public_summary: Mapped[str | None] = mapped_column(Text)
    #: the programme by day, as the public page shows it for a kind without an itinerary (one paragraph a day)
    public_programme: Mapped[str | None] = mapped_column(Text)
    #: the photo the public page shows: an image attached to this engagement
    public_photo_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachments.id", ondelete="SET NULL", use_alter=True, name="fk_engagements_public_photo"))
    partnership: Mapped[Partnership] = relationship()
    logged_by: Mapped[User | None] = relationship(foreign_keys=[logged_by_id])

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {**version_mapper_args(cls), "polymorphic_on": cls.__table__.c.record_type,
                "polymorphic_identity": "engagement"}

    __table_args__ = (
        # Serves "latest substantive engagement per partnership" and every other
        # health figure; on PostgreSQL it covers them (index-only scans).
        Index("ix_engagements_partnership_substantive_date", "partnership_id", "substantive", "occurred_on",
              postgresql_include=["pillar", "initiated_by", "logged_by_side", "created_at"],
              postgresql_where=text("deleted_at IS NULL"), sqlite_where=text("deleted_at IS NULL")),
        Index("ix_engagements_partnership_date", "partnership_id", "occurred_on"),
        # Engagements per month across the portfolio.
        Index("ix_engagements_date", "occurred_on", postgresql_include=["substantive", "partnership_id"],
              postgresql_where=text("deleted_at IS NULL"), sqlite_where=text("deleted_at IS NULL")),
        Index("ix_engagements_deleted_at", "deleted_at"),
        # The search box: substring match on titles, in any script.
        trigram_index("ix_engagements_title_trgm", "title"),
    )

    @property
    def is_planned(self) -> bool:
        return self.occurred_on > office_today()

    @property
    def is_derived(self) -> bool:
        """Kept in step by an agreement or a milestone; changed there, not here."""
        return self.kind in DERIVED_KINDS

    def __repr__(self) -> str:
        return f"<Engagement {self.id} {self.kind} {self.occurred_on}>"
