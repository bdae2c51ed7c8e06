"""Outcome totals by year: missions held, leads and deals, investment per
currency (never summed across currencies), participants exchanged, projects
completed. Aggregated in SQL, one query per figure, for one partnership or
for every partnership the reader may see."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import extract, func, select

from crm.clock import office_today
from crm.extensions import db
from crm.partnerships.queries import visible_partnership_ids
from crm.programs.exchanges.models import Exchange
from crm.programs.missions.models import MissionOutcome, OutcomeKind, TradeMission
from crm.programs.projects.models import JointProject, ProjectStatus


@dataclass
class YearTotals:
    year: int
    missions: int = 0
    leads: int = 0
    deals: int = 0
    agreements: int = 0
    investment: dict[str, int] = field(default_factory=dict)  #: currency → minor units
    participants: int = 0
    projects_completed: int = 0


def _scope(model, partnership_id: int | None):
    if partnership_id is not None:
        return model.partnership_id == partnership_id
    return model.partnership_id.in_(visible_partnership_ids())


def outcome_totals(partnership_id: int | None = None, today: date | None = None) -> list[YearTotals]:
    """Totals per year, newest year first; only what has happened by today."""
    today = today or office_today()
    years: dict[int, YearTotals] = {}

    def year(value) -> YearTotals:
        number = int(value)
        return years.setdefault(number, YearTotals(number))

    mission_year = extract("year", TradeMission.occurred_on)
    for y, count in db.session.execute(
        select(mission_year, func.count()).where(_scope(TradeMission, partnership_id),
                                                 TradeMission.occurred_on <= today).group_by(mission_year)
    ):
        year(y).missions = count

    investment: dict[int, dict[str, int]] = defaultdict(dict)
    for y, kind, currency, count, amount in db.session.execute(
        select(mission_year, MissionOutcome.kind, MissionOutcome.currency, func.count(),
               func.sum(MissionOutcome.amount_minor))
        .join(MissionOutcome, MissionOutcome.mission_id == TradeMission.id)
        .where(_scope(TradeMission, partnership_id), TradeMission.occurred_on <= today)
        .group_by(mission_year, MissionOutcome.kind, MissionOutcome.currency)
    ):
        totals = year(y)
        if kind == OutcomeKind.LEAD:
            totals.leads += count
        elif kind == OutcomeKind.DEAL:
            totals.deals += count
        elif kind == OutcomeKind.AGREEMENT:
            totals.agreements += count
        if kind == OutcomeKind.INVESTMENT and currency and amount:
            investment[int(y)][currency] = investment[int(y)].get(currency, 0) + int(amount)
    for y, amounts in investment.items():
        year(y).investment = dict(sorted(amounts.items()))

    exchange_year = extract("year", Exchange.occurred_on)
    for y, participants in db.session.execute(
        select(exchange_year, func.sum(Exchange.participants)).where(_scope(Exchange, partnership_id),
                                                                     Exchange.occurred_on <= today)
        .group_by(exchange_year)
    ):
        year(y).participants = int(participants or 0)

    completed_on = func.coalesce(JointProject.ends_on, JointProject.occurred_on)
    project_year = extract("year", completed_on)
    for y, count in db.session.execute(
        select(project_year, func.count()).where(_scope(JointProject, partnership_id),
                                                 JointProject.status == ProjectStatus.COMPLETED)
        .group_by(project_year)
    ):
        year(y).projects_completed = count

    return sorted(years.values(), key=lambda totals: totals.year, reverse=True)
