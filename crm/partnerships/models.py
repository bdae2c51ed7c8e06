from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.activity import StampsActivity
from crm.auth.models import User
from crm.cities.models import City
from crm.database import Timestamped, UTCDateTime, enum_type
from crm.enums import (
    PartnershipKind,
    PartnershipStatus,
    Priority,
    Side,  # noqa: F401  (imported from here across the features)
)
from crm.extensions import db
from crm.versioning import Versioned


class PartnershipPriority(db.Model):
    __tablename__ = "partnership_priorities"

    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"), primary_key=True)
    priority: Mapped[Priority] = mapped_column(enum_type(Priority), primary_key=True)


#: the partnerships that are neither archived nor ended (the unique pair index covers only these)
CURRENT = text("archived_at IS NULL AND status <> 'ended'")


class Partnership(StampsActivity, Versioned, Timestamped, db.Model):
    __tablename__ = "partnerships"
    partnership_key = "id"

    id: Mapped[int] = mapped_column(primary_key=True)
    home_city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    partner_city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    kind: Mapped[PartnershipKind] = mapped_column(enum_type(PartnershipKind))
    status: Mapped[PartnershipStatus] = mapped_column(enum_type(PartnershipStatus), index=True)
    established_on: Mapped[date | None]
    liaison_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: overrides the office's default ceremonial threshold when set
    threshold_months: Mapped[int | None]
    #: years between periodic reviews; None: the office's
    review_every_years: Mapped[int | None]
    #: why it ended, when a review's decision ended it
    ended_reason: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)  #: shared with the partner
    staff_notes: Mapped[str | None] = mapped_column(Text)  #: never shown to guests
    #: shown on the public directory and in the open-data feed (issue 23); staff opt in per partnership
    is_public: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: archived partnerships leave the lists but keep their history
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    home_city: Mapped[City] = relationship(foreign_keys=[home_city_id])
    partner_city: Mapped[City] = relationship(foreign_keys=[partner_city_id])
    liaison: Mapped[User | None] = relationship()
    priority_rows: Mapped[list[PartnershipPriority]] = relationship(
        cascade="all, delete-orphan", order_by=PartnershipPriority.priority
    )

    __table_args__ = (
        Index("ix_partnerships_archived_status", "archived_at", "status"),
        # One current partnership per pair of cities; archived and ended ones are history and may repeat.
        Index("uq_partnerships_current_pair", "home_city_id", "partner_city_id", unique=True,
              postgresql_where=CURRENT, sqlite_where=CURRENT),
    )

    @property
    def priorities(self) -> list[Priority]:
        return [row.priority for row in self.priority_rows]

    @priorities.setter
    def priorities(self, values) -> None:
        wanted = {Priority(v) for v in values}
        self.priority_rows = [row for row in self.priority_rows if row.priority in wanted]
        have = {row.priority for row in self.priority_rows}
        self.priority_rows.extend(PartnershipPriority(priority=p) for p in sorted(wanted - have))

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def title(self) -> str:
        return f"{self.home_city.name} – {self.partner_city.name}"

    def __repr__(self) -> str:
        return f"<Partnership {self.id}>"
