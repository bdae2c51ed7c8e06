"""The permission matrix's part for plans (issue 21): the endpoints' audiences (see POLICY and AUDIENCES in
tests/test_access.py) and the records each partnership gets, shared ones and staff-only ones (whose text says
SECRET; a guest must never see them)."""
from datetime import date

POLICY: dict[str, str] = {
    "plans.index": "staff",
    "plans.detail": "staff",
    "plans.new": "editors",
    "plans.edit": "editors",
    "plans.delete": "editors",
    "plans.add_objective": "editors",
    "plans.objective": "staff",
    "plans.edit_objective": "editors",
    "plans.delete_objective": "editors",
    "plans.tie": "editors",
    "plans.untie": "editors",
    "plans.count_towards": "editors",
}


def build(make, session, prefix: str, world: dict) -> dict:
    """Records of plans for one side's partnership; returns the URL parameters they fill (name → id).
    world: the side's records so far (partnership, agreement, mission, engagement, contact, guest, and the
    ids dict). Flush, don't commit."""
    from crm.enums import Pillar
    from crm.governance.models import ObjectiveLink, PlanObjective, RelationshipPlan

    plan = RelationshipPlan(partnership_id=world["partnership"].id, title=f"{prefix} SECRET plan",
                            starts_on=date(2026, 1, 1), ends_on=date(2030, 12, 31),
                            summary=f"{prefix} SECRET plan summary")
    objective = PlanObjective(pillar=Pillar.EDUCATION, description=f"{prefix} SECRET objective", target_count=2,
                              per_years=1)
    plan.objectives.append(objective)
    session.add(plan)
    session.flush()
    link = ObjectiveLink(objective_id=objective.id, engagement_id=world["engagement"].id)
    session.add(link)
    session.flush()
    return {"plan_id": plan.id, "objective_id": objective.id, "objective_link_id": link.id}
