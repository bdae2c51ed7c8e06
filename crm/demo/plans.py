"""Demo data for plans (issue 21): relationship plans on three thriving partnerships (Kyoto, Suzhou, Guadalajara),
their objectives tied to the engagements, missions and outcomes already on their timelines; Suzhou's university
objective is behind."""
from datetime import date

from sqlalchemy import select

from crm.engagements.models import Engagement
from crm.enums import EngagementKind, Pillar
from crm.extensions import db
from crm.governance.models import ObjectiveLink, PlanObjective, RelationshipPlan
from crm.programs.missions.models import MissionOutcome
from crm.roles import Role

KYOTO, SUZHOU, GUADALAJARA = 1857910, 1886760, 4005539

#: partner → (title, summary, objectives: (pillar, description, target_count, per_years, how many to tie,
#: the kind of engagement tied, or None for any of the pillar's; "outcomes" ties the missions' outcomes))
PLANS = {
    KYOTO: ("Relationship plan {start}–{end}",
            ("Young people, culture and water: two student exchanges a year, the Obon and Rose Festival exchange "
            "every year, and one joint project in river restoration."),
            [(Pillar.EDUCATION, "2 student exchanges a year", 2, 1, 4, None),
             (Pillar.CULTURE, "A festival exchange every year", 1, 1, 2, None),
             (Pillar.GOVERNMENT, "A joint project in river restoration", 1, None, 1, None)]),
    SUZHOU: ("Trade and technology plan {start}–{end}",
             "Trade missions both ways, and the universities' partnership in engineering.",
             [(Pillar.BUSINESS, "1 trade mission every 2 years", 1, 2, 1, EngagementKind.TRADE_MISSION),
              (Pillar.BUSINESS, "Leads and deals from the missions: 2 a year", 2, 1, 4, "outcomes"),
              (Pillar.EDUCATION, "3 university agreements or joint courses a year", 3, 1, 0, None)]),
    GUADALAJARA: ("Relationship plan {start}–{end}",
                  "Culture and business: the Mariachi festival delegation and a business roundtable every year.",
                  [(Pillar.CULTURE, "A cultural delegation every year", 1, 1, 2, None),
                   (Pillar.BUSINESS, "A business roundtable every year", 1, 1, 2, None)]),
}


def seed_plans(partnerships_by_geonames: dict, users: dict, today: date) -> None:
    """Called by seed_demo after the programs; partnerships_by_geonames: geonames id → Partnership;
    users: Role → the demo User."""
    owners = [users.get(Role.COORDINATOR), users.get(Role.ADMIN)]
    # A five-year plan that began in January of last year: some way in, with a record to judge by.
    starts_on, ends_on = date(today.year - 1, 1, 1), date(today.year + 3, 12, 31)
    for geonames_id, (title, summary, objectives) in PLANS.items():
        partnership = partnerships_by_geonames.get(geonames_id)
        if partnership is None:
            continue
        plan = RelationshipPlan(partnership_id=partnership.id, title=title.format(start=starts_on.year,
                                                                                 end=ends_on.year),
                                starts_on=starts_on, ends_on=ends_on, summary=summary)
        db.session.add(plan)
        for position, (pillar, description, target, per_years, ties, kind) in enumerate(objectives, start=1):
            owner = owners[position % 2]
            objective = PlanObjective(pillar=pillar, description=description, target_count=target,
                                      per_years=per_years, owner_id=owner.id if owner else None, position=position)
            plan.objectives.append(objective)
            db.session.flush()
            for record in _records(partnership.id, pillar, kind, starts_on, today)[:ties]:
                db.session.add(ObjectiveLink(objective_id=objective.id, **record))
    db.session.flush()


def _records(partnership_id: int, pillar: Pillar, kind, starts_on: date, today: date) -> list[dict]:
    """What can be tied: the partnership's substantive engagements of the pillar (or kind) that happened within
    the plan so far, newest first; or its missions' outcomes."""
    if kind == "outcomes":
        ids = db.session.scalars(
            select(MissionOutcome.id).join(Engagement, Engagement.id == MissionOutcome.mission_id)
            .where(Engagement.partnership_id == partnership_id, Engagement.occurred_on >= starts_on,
                   Engagement.occurred_on <= today)
            .order_by(Engagement.occurred_on.desc(), MissionOutcome.id))
        return [{"outcome_id": outcome_id} for outcome_id in ids]
    query = select(Engagement.id).where(Engagement.partnership_id == partnership_id, Engagement.substantive,
                                        Engagement.occurred_on >= starts_on, Engagement.occurred_on <= today)
    query = query.where(Engagement.kind == kind) if kind else query.where(Engagement.pillar == pillar)
    return [{"engagement_id": engagement_id}
            for engagement_id in db.session.scalars(query.order_by(Engagement.occurred_on.desc()))]
