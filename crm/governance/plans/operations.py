"""Changes to plans, their objectives and what is tied to them. They flush; the request commits."""
from sqlalchemy import select

from crm.engagements.models import Engagement
from crm.extensions import db
from crm.forms import fill
from crm.governance.models import ObjectiveLink, PartnershipReview, PlanObjective, RelationshipPlan
from crm.governance.plans.forms import ObjectiveForm, PlanForm, TieForm
from crm.programs.missions.models import MissionOutcome


def other_periods(partnership_id: int, plan_id: int | None = None) -> list[tuple]:
    """(title, starts_on, ends_on) of the partnership's plans other than this one, for the overlap check."""
    query = select(RelationshipPlan.title, RelationshipPlan.starts_on, RelationshipPlan.ends_on).where(
        RelationshipPlan.partnership_id == partnership_id)
    if plan_id is not None:
        query = query.where(RelationshipPlan.id != plan_id)
    return [tuple(row) for row in db.session.execute(query)]


def review_of(partnership_id: int, review_id: int | None) -> int | None:
    """The review's id when it is one of the partnership's (the review that asked for a new plan)."""
    if not review_id or review_id <= 0:
        return None
    found = db.session.scalar(select(PartnershipReview.partnership_id).where(PartnershipReview.id == review_id))
    return review_id if found == partnership_id else None


def apply_plan_form(plan: RelationshipPlan, form: PlanForm) -> RelationshipPlan:
    fill(plan, form, "title", "starts_on", "ends_on", "summary")
    db.session.add(plan)
    db.session.flush()
    return plan


def apply_objective_form(objective: PlanObjective, form: ObjectiveForm) -> PlanObjective:
    fill(objective, form, "pillar", "description", "target_count", "owner_id")
    objective.per_years = form.per_years.data or None
    objective.position = form.position.data or 0
    db.session.add(objective)
    db.session.flush()
    return objective


def delete_plan(plan: RelationshipPlan) -> None:
    db.session.delete(plan)  # its objectives and their ties go with it
    db.session.flush()


def delete_objective(objective: PlanObjective) -> None:
    db.session.delete(objective)
    db.session.flush()


def tie(objective: PlanObjective, form: TieForm) -> list[ObjectiveLink]:
    """Ties the chosen engagement and/or outcome to the objective (the form's choices are the partnership's own
    records, so nothing of another partnership can be tied). A record tied already is left as it is."""
    tied = {(link.engagement_id, link.outcome_id) for link in objective.links}
    added = []
    for engagement_id, outcome_id in ((form.engagement_id.data or None, None), (None, form.outcome_id.data or None)):
        if (engagement_id or outcome_id) and (engagement_id, outcome_id) not in tied:
            link = ObjectiveLink(objective=objective, engagement_id=engagement_id, outcome_id=outcome_id)
            db.session.add(link)
            added.append(link)
    db.session.flush()
    return added


def count_engagement(objective: PlanObjective, engagement_id: int) -> None:
    """The engagement counts towards the objective (once)."""
    if not any(link.engagement_id == engagement_id for link in objective.links):
        db.session.add(ObjectiveLink(objective=objective, engagement_id=engagement_id))
        db.session.flush()


def untie(link: ObjectiveLink) -> None:
    db.session.delete(link)
    db.session.flush()


def belongs_to(partnership_id: int, engagement_id: int | None = None, outcome_id: int | None = None) -> bool:
    """Whether the engagement (or the outcome's mission) is the partnership's."""
    if engagement_id:
        return db.session.scalar(select(Engagement.partnership_id).where(Engagement.id == engagement_id)) \
            == partnership_id
    if outcome_id:
        return db.session.scalar(
            select(Engagement.partnership_id).join(MissionOutcome, MissionOutcome.mission_id == Engagement.id)
            .where(MissionOutcome.id == outcome_id)) == partnership_id
    return False
