"""Loading plans and their progress; each function runs a fixed number of queries whatever the data size."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask import abort
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from crm.engagements.models import Engagement
from crm.extensions import db
from crm.governance.models import ObjectiveLink, PlanObjective, RelationshipPlan
from crm.governance.plans.rules import Progress, ProgressState, objective_progress
from crm.partnerships.models import Partnership
from crm.partnerships.queries import get_in_scope_or_404, visible_partnership_ids
from crm.programs.missions.models import MissionOutcome


@dataclass
class ObjectiveProgress:
    objective: PlanObjective
    progress: Progress

    def as_dict(self) -> dict:
        o = self.objective
        return {"id": o.id, "pillar": o.pillar.value, "description": o.description, "target_count": o.target_count,
                "per_years": o.per_years, "owner": o.owner.name if o.owner else None, **self.progress.as_dict()}


@dataclass
class PlanProgress:
    """A plan with each objective's progress as of a date."""
    plan: RelationshipPlan
    as_of: date
    objectives: list[ObjectiveProgress] = field(default_factory=list)

    @property
    def on_track(self) -> int:
        """Objectives on track or achieved."""
        return sum(1 for o in self.objectives if o.progress.counts_as_on_track)

    @property
    def behind(self) -> int:
        return sum(1 for o in self.objectives if o.progress.state == ProgressState.BEHIND)

    @property
    def is_current(self) -> bool:
        return self.plan.starts_on <= self.as_of <= self.plan.ends_on

    def as_dict(self) -> dict:
        """Plain data (for a review's evidence, a report's JSON): the plan and its objectives' figures."""
        plan = self.plan
        return {"plan_id": plan.id, "title": plan.title, "starts_on": plan.starts_on.isoformat(),
                "ends_on": plan.ends_on.isoformat(), "as_of": self.as_of.isoformat(), "on_track": self.on_track,
                "behind": self.behind, "objectives": [o.as_dict() for o in self.objectives]}


OBJECTIVE_LOADS = (selectinload(RelationshipPlan.objectives).joinedload(PlanObjective.owner),)


def link_dates(objective_ids: list[int]) -> dict[int, list[date]]:
    """Objective id → the dates of its tied records (an engagement's date; an outcome's: its mission's),
    deleted engagements left out. One query."""
    if not objective_ids:
        return {}
    engagement = aliased(Engagement)
    mission = aliased(Engagement)
    rows = db.session.execute(
        select(ObjectiveLink.objective_id, func.coalesce(engagement.occurred_on, mission.occurred_on))
        .outerjoin(engagement, and_(engagement.id == ObjectiveLink.engagement_id, engagement.deleted_at.is_(None)))
        .outerjoin(MissionOutcome, MissionOutcome.id == ObjectiveLink.outcome_id)
        .outerjoin(mission, and_(mission.id == MissionOutcome.mission_id, mission.deleted_at.is_(None)))
        .where(ObjectiveLink.objective_id.in_(objective_ids))
    )
    dates: dict[int, list[date]] = defaultdict(list)
    for objective_id, day in rows:
        if day is not None:
            dates[objective_id].append(day)
    return dates


def progress_of(plans: list[RelationshipPlan], as_of: date) -> list[PlanProgress]:
    """Each plan's progress (their objectives loaded); one query for all the tied records."""
    dates = link_dates([o.id for plan in plans for o in plan.objectives])
    return [PlanProgress(plan, as_of, [
        ObjectiveProgress(o, objective_progress(starts_on=plan.starts_on, ends_on=plan.ends_on,
                                                target_count=o.target_count, per_years=o.per_years,
                                                record_dates=dates.get(o.id, ()), today=as_of))
        for o in plan.objectives]) for plan in plans]


def current_plan_clause(as_of: date):
    return and_(RelationshipPlan.starts_on <= as_of, RelationshipPlan.ends_on >= as_of)


def plan_progress(partnership_id: int, as_of: date) -> PlanProgress | None:
    """The partnership's current plan with its objectives' progress as of ``as_of``, or None.

    The current plan is the one whose period holds ``as_of``; when none does, the next one to start (its
    objectives "not started"). Returns a PlanProgress: ``.plan`` (RelationshipPlan), ``.objectives`` (a list of
    ObjectiveProgress: ``.objective`` the PlanObjective with its owner loaded, ``.progress`` a rules.Progress
    with state, done, expected, total, percent; ``rules.explain(progress)`` says why in words), ``.on_track`` /
    ``.behind`` counts, and ``.as_dict()`` for plain JSON. Three queries. Not scoped to the reader: callers
    load the partnership through its scope first."""
    plan = db.session.scalar(
        select(RelationshipPlan).where(RelationshipPlan.partnership_id == partnership_id,
                                       or_(current_plan_clause(as_of), RelationshipPlan.starts_on > as_of))
        .order_by(RelationshipPlan.starts_on).limit(1).options(*OBJECTIVE_LOADS))
    if plan is None:
        return None
    return progress_of([plan], as_of)[0]


def partnership_plans(partnership_id: int) -> list[RelationshipPlan]:
    """Every plan of the partnership, newest period first (objectives and owners loaded)."""
    return list(db.session.scalars(
        select(RelationshipPlan).where(RelationshipPlan.partnership_id == partnership_id)
        .order_by(RelationshipPlan.starts_on.desc()).options(*OBJECTIVE_LOADS)))


def current_plans(partnership_ids, as_of: date) -> list[PlanProgress]:
    """The plans covering ``as_of`` of these partnerships (a list or a select of ids), with progress, their
    partnerships' cities loaded. Four queries."""
    plans = list(db.session.scalars(
        select(RelationshipPlan).where(RelationshipPlan.partnership_id.in_(partnership_ids),
                                       current_plan_clause(as_of))
        .order_by(RelationshipPlan.starts_on)
        .options(*OBJECTIVE_LOADS,
                 joinedload(RelationshipPlan.partnership).joinedload(Partnership.partner_city),
                 joinedload(RelationshipPlan.partnership).joinedload(Partnership.home_city))))
    return progress_of(plans, as_of)


def get_plan_or_404(plan_id: int) -> RelationshipPlan:
    return get_in_scope_or_404(
        RelationshipPlan, plan_id, *OBJECTIVE_LOADS,
        joinedload(RelationshipPlan.partnership).joinedload(Partnership.partner_city),
        joinedload(RelationshipPlan.partnership).joinedload(Partnership.home_city))


def get_objective_or_404(objective_id: int) -> PlanObjective:
    """An objective, if the reader may see its plan's partnership."""
    objective = db.session.scalar(
        select(PlanObjective).join(PlanObjective.plan)
        .where(PlanObjective.id == objective_id,
               RelationshipPlan.partnership_id.in_(visible_partnership_ids()))
        .options(joinedload(PlanObjective.owner),
                 joinedload(PlanObjective.plan).joinedload(RelationshipPlan.partnership)
                 .joinedload(Partnership.partner_city),
                 joinedload(PlanObjective.plan).joinedload(RelationshipPlan.partnership)
                 .joinedload(Partnership.home_city)))
    return objective or abort(404)


def get_link_or_404(link_id: int) -> ObjectiveLink:
    link = db.session.get(ObjectiveLink, link_id) or abort(404)
    get_objective_or_404(link.objective_id)
    return link


def objective_links(objective_id: int) -> list[ObjectiveLink]:
    """The records tied to an objective, newest first (their engagements, outcomes and missions loaded)."""
    links = list(db.session.scalars(
        select(ObjectiveLink).where(ObjectiveLink.objective_id == objective_id)
        .options(joinedload(ObjectiveLink.engagement),
                 joinedload(ObjectiveLink.outcome).joinedload(MissionOutcome.mission))))
    return sorted((link for link in links if link.engagement or link.outcome),
                  key=lambda link: record_date(link) or date.min, reverse=True)


def record_date(link: ObjectiveLink) -> date | None:
    if link.engagement is not None:
        return link.engagement.occurred_on
    if link.outcome is not None and link.outcome.mission is not None:
        return link.outcome.mission.occurred_on
    return None


def engagements_to_tie(partnership_id: int, objective_id: int, limit: int = 200) -> list[Engagement]:
    """The partnership's engagements not yet tied to the objective, newest first."""
    tied = select(ObjectiveLink.engagement_id).where(ObjectiveLink.objective_id == objective_id,
                                                     ObjectiveLink.engagement_id.is_not(None))
    return list(db.session.scalars(
        select(Engagement).where(Engagement.partnership_id == partnership_id, Engagement.id.not_in(tied))
        .order_by(Engagement.occurred_on.desc(), Engagement.id.desc()).limit(limit)))


def outcomes_to_tie(partnership_id: int, objective_id: int) -> list[MissionOutcome]:
    """The outcomes of the partnership's missions not yet tied to the objective, newest mission first."""
    tied = select(ObjectiveLink.outcome_id).where(ObjectiveLink.objective_id == objective_id,
                                                  ObjectiveLink.outcome_id.is_not(None))
    mission = aliased(Engagement)
    return list(db.session.scalars(
        select(MissionOutcome).join(mission, mission.id == MissionOutcome.mission_id)
        .where(mission.partnership_id == partnership_id, MissionOutcome.id.not_in(tied))
        .order_by(mission.occurred_on.desc(), MissionOutcome.id)
        .options(joinedload(MissionOutcome.mission))))


def plan_summaries(partnership_ids, as_of: date) -> dict[int, PlanProgress]:
    """Partnership id → its current plan's progress, for the partnerships that have one."""
    return {p.plan.partnership_id: p for p in current_plans(partnership_ids, as_of)}


def objectives_to_count(partnership_id: int, engagement_id: int, as_of: date) -> list[tuple[PlanObjective, bool]]:
    """The objectives of the partnership's current plan, each with whether the engagement already counts
    towards it (for the "Counts towards objective" control on a program's page). One query."""
    rows = db.session.execute(
        select(PlanObjective, ObjectiveLink.id).join(PlanObjective.plan)
        .outerjoin(ObjectiveLink, and_(ObjectiveLink.objective_id == PlanObjective.id,
                                       ObjectiveLink.engagement_id == engagement_id))
        .where(RelationshipPlan.partnership_id == partnership_id, current_plan_clause(as_of))
        .order_by(PlanObjective.position, PlanObjective.id))
    return [(objective, link_id is not None) for objective, link_id in rows]
