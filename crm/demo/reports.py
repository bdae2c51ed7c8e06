"""Demo data for reports (issue 21): last year's narratives for Kyoto, Suzhou and Cairo, so the annual report
prints them (and shows the others as not written yet), and costs on a few engagements and missions of last year,
in dollars and in the partner's currency, each with who funded it."""
from datetime import date

from sqlalchemy import select

from crm.engagements.models import Engagement
from crm.extensions import db
from crm.governance.models import ReportNarrative
from crm.programs.missions.models import TradeMission
from crm.roles import Role

KYOTO, SUZHOU, CAIRO = 1857910, 1886760, 360630

NARRATIVES = {
    KYOTO: ("Our oldest partnership had one of its fullest years: two student exchanges, the Obon and Rose Festival "
            "exchange, and the first measurements of the joint river-restoration project. The design mission "
            "opened talks with three of Kyoto's craft schools."),
    SUZHOU: ("Trade led the year with Suzhou: a mission to the industrial park brought leads in clean energy, and "
             "the universities drafted a joint engineering course; the course itself is behind its plan."),
    CAIRO: ("Only greetings and the anniversary letter were exchanged this year. The council is asked to review "
            "the partnership and decide whether to revitalise it with a new plan."),
}

#: partner → the costs of last year's engagements, newest first: (minor units, currency, funded by)
COSTS = {
    KYOTO: [(1_250_000, "USD", "City international budget"), (480_000, "JPY", "Kyoto City")],
    SUZHOU: [(860_000, "USD", "State trade grant")],
    CAIRO: [(45_000, "USD", "City international budget")],
}


def seed_reports(partnerships_by_geonames: dict, users: dict, today: date) -> None:
    """Called by seed_demo after the programs; partnerships_by_geonames: geonames id → Partnership;
    users: Role → the demo User."""
    year = today.year - 1
    writer = users.get(Role.COORDINATOR)
    for geonames_id, body in NARRATIVES.items():
        partnership = partnerships_by_geonames.get(geonames_id)
        if partnership is not None:
            db.session.add(ReportNarrative(partnership_id=partnership.id, year=year, body=body,
                                           updated_by_id=writer.id if writer else None))
    for geonames_id, costs in COSTS.items():
        partnership = partnerships_by_geonames.get(geonames_id)
        if partnership is None:
            continue
        # missions first: a mission's cost is the one a council asks about
        last_year = (Engagement.partnership_id == partnership.id, Engagement.occurred_on >= date(year, 1, 1),
                     Engagement.occurred_on <= date(year, 12, 31))
        missions = db.session.scalars(select(TradeMission).where(*last_year).order_by(
            TradeMission.occurred_on.desc())).all()
        others = db.session.scalars(select(Engagement).where(*last_year, Engagement.substantive.is_(True))
                                    .order_by(Engagement.occurred_on.desc())).all()
        records = list(dict.fromkeys([*missions, *others]))
        for record, (minor, currency, funded_by) in zip(records, costs, strict=False):
            record.cost_minor, record.cost_currency, record.funded_by = minor, currency, funded_by
    db.session.flush()
