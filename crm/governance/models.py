"""The records of governance: what a partnership is for (plans and their objectives), when it is reviewed and
what was decided (reviews), what was promised (commitments), which reminders went out, and the narratives of
the council's annual report."""
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.database import Timestamped, UTCDateTime, enum_type, utcnow
from crm.engagements.models import Engagement
from crm.enums import (
    CommitmentStatus,
    Pillar,
    Recommendation,
    ReminderKind,
    ReviewReason,
    Side,
    Visibility,
)
from crm.extensions import db
from crm.partnerships.models import Partnership
from crm.programs.missions.models import MissionOutcome
from crm.versioning import Versioned


class RelationshipPlan(Versioned, Timestamped, db.Model):
    """What a partnership is for over a period of years (e.g. 2026–2030)."""
    __tablename__ = "relationship_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    summary: Mapped[str | None] = mapped_column(Text)  #: shared with the partner
    #: the review whose "revitalise" decision asked for this plan, if one did
    review_id: Mapped[int | None] = mapped_column(ForeignKey("partnership_reviews.id", ondelete="SET NULL"))

    partnership: Mapped[Partnership] = relationship()
    objectives: Mapped[list["PlanObjective"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="(PlanObjective.position, PlanObjective.id)")

    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="plan_period"),)


class PlanObjective(Versioned, db.Model):
    """One objective of a plan, with a measurable target: ``target_count`` tied engagements every
    ``per_years`` years ("2 student exchanges a year": 2 per 1), or over the whole plan when per_years is None
    ("a joint project in water management": 1)."""
    __tablename__ = "plan_objectives"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("relationship_plans.id", ondelete="CASCADE"), index=True)
    pillar: Mapped[Pillar] = mapped_column(enum_type(Pillar))
    description: Mapped[str] = mapped_column(String(500))
    target_count: Mapped[int] = mapped_column(Integer, default=1)
    per_years: Mapped[int | None] = mapped_column(Integer)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    plan: Mapped[RelationshipPlan] = relationship(back_populates="objectives")
    owner: Mapped[User | None] = relationship()
    links: Mapped[list["ObjectiveLink"]] = relationship(back_populates="objective", cascade="all, delete-orphan")

    __table_args__ = (CheckConstraint("target_count > 0", name="objective_target_positive"),
                      CheckConstraint("per_years IS NULL OR per_years > 0", name="objective_per_years_positive"))


class ObjectiveLink(db.Model):
    """An engagement (a program is one) or a mission's outcome counted towards an objective."""
    __tablename__ = "objective_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("plan_objectives.id", ondelete="CASCADE"), index=True)
    engagement_id: Mapped[int | None] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"), index=True)
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("mission_outcomes.id", ondelete="CASCADE"), index=True)

    objective: Mapped[PlanObjective] = relationship(back_populates="links")
    engagement: Mapped[Engagement | None] = relationship()
    outcome: Mapped[MissionOutcome | None] = relationship()

    __table_args__ = (
        CheckConstraint("(engagement_id IS NULL) <> (outcome_id IS NULL)", name="link_one_record"),
        UniqueConstraint("objective_id", "engagement_id", name="uq_objective_links_engagement"),
        UniqueConstraint("objective_id", "outcome_id", name="uq_objective_links_outcome"),
    )


#: a review is open until its decision is recorded
OPEN_REVIEW = text("decided_on IS NULL")


class PartnershipReview(Versioned, Timestamped, db.Model):
    """A periodic review of a partnership, from the evidence to the deciding body's decision."""
    __tablename__ = "partnership_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"), index=True)
    reason: Mapped[ReviewReason] = mapped_column(enum_type(ReviewReason))
    due_on: Mapped[date]
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the figures the review was based on, as they were when it was opened (health, plan, pillars, share)
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    assessment: Mapped[str | None] = mapped_column(Text)
    recommendation: Mapped[Recommendation | None] = mapped_column(enum_type(Recommendation))
    decision: Mapped[Recommendation | None] = mapped_column(enum_type(Recommendation))
    decided_by_body: Mapped[str | None] = mapped_column(String(200))  #: e.g. City Council
    decided_on: Mapped[date | None]
    resolution_ref: Mapped[str | None] = mapped_column(String(100))  #: e.g. Resolution 2026-114
    decision_notes: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    partnership: Mapped[Partnership] = relationship()
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])

    __table_args__ = (
        # One open review per partnership: two staff opening it at once make one.
        Index("uq_partnership_reviews_open", "partnership_id", unique=True,
              postgresql_where=OPEN_REVIEW, sqlite_where=OPEN_REVIEW),
    )

    @property
    def is_open(self) -> bool:
        return self.decided_on is None


class Commitment(Versioned, Timestamped, db.Model):
    """A promise made to or by the partner ("send the youth orchestra proposal by March")."""
    __tablename__ = "commitments"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"), index=True)
    #: the engagement, mission or meeting it was made at, if any
    engagement_id: Mapped[int | None] = mapped_column(ForeignKey("engagements.id", ondelete="SET NULL"), index=True)
    side: Mapped[Side] = mapped_column(enum_type(Side))  #: the side that promised
    description: Mapped[str] = mapped_column(String(500))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    owner_name: Mapped[str | None] = mapped_column(String(200))  #: who keeps it, when not a user
    due_on: Mapped[date | None] = mapped_column(index=True)
    status: Mapped[CommitmentStatus] = mapped_column(enum_type(CommitmentStatus), default=CommitmentStatus.OPEN)
    done_on: Mapped[date | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    visibility: Mapped[Visibility] = mapped_column(enum_type(Visibility), default=Visibility.SHARED)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    partnership: Mapped[Partnership] = relationship()
    engagement: Mapped[Engagement | None] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class ReminderLeadTime(db.Model):
    """A lead time an admin chose for one kind of reminder (e.g. 180, 30, 15 and 7 days before expiry)."""
    __tablename__ = "reminder_lead_times"

    kind: Mapped[ReminderKind] = mapped_column(enum_type(ReminderKind), primary_key=True)
    days: Mapped[int] = mapped_column(Integer, primary_key=True)

    __table_args__ = (CheckConstraint("days >= 0", name="lead_days_not_negative"),)


class ReminderSent(db.Model):
    """A reminder that went out: one row per subject, date, lead time and recipient, so none goes twice."""
    __tablename__ = "reminders_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: e.g. "agreement_expiry:12:2027-03-01:30:5" (kind, subject id, the date reminded of, lead days, recipient)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[ReminderKind] = mapped_column(enum_type(ReminderKind))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReportNarrative(Versioned, Timestamped, db.Model):
    """The paragraph staff write about one partnership's year in the council's annual report."""
    __tablename__ = "report_narratives"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    partnership: Mapped[Partnership] = relationship()

    __table_args__ = (UniqueConstraint("partnership_id", "year", name="uq_report_narratives_year"),)
