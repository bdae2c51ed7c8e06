from datetime import date

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, synonym

from crm.database import enum_type
from crm.engagements.models import Engagement
from crm.enums import EngagementKind, ProjectStatus, ProjectTheme
from crm.extensions import db
from crm.versioning import Versioned


class JointProject(Engagement):
    __tablename__ = "joint_projects"

    id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"), primary_key=True)
    theme: Mapped[ProjectTheme] = mapped_column(enum_type(ProjectTheme))
    status: Mapped[ProjectStatus] = mapped_column(enum_type(ProjectStatus), default=ProjectStatus.PLANNED)
    ends_on: Mapped[date | None]
    budget_minor: Mapped[int | None] = mapped_column(BigInteger)  #: in the currency's minor unit
    budget_currency: Mapped[str | None] = mapped_column(String(3))  #: ISO 4217

    starts_on = synonym("occurred_on")
    milestones: Mapped[list["Milestone"]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="(Milestone.due_on, Milestone.id)",
        foreign_keys="Milestone.project_id")

    __mapper_args__ = {"polymorphic_identity": "joint_project"}

    def __init__(self, **fields):
        fields.setdefault("kind", EngagementKind.JOINT_PROJECT)
        super().__init__(**fields)


class Milestone(Versioned, db.Model):
    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("joint_projects.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date]
    done_on: Mapped[date | None]
    #: the timeline entry for reaching it, while it is done
    engagement_id: Mapped[int | None] = mapped_column(ForeignKey("engagements.id", ondelete="SET NULL"))

    project: Mapped[JointProject] = relationship(back_populates="milestones", foreign_keys=[project_id])
    engagement: Mapped[Engagement | None] = relationship(foreign_keys=[engagement_id])

