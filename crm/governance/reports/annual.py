"""The figures of the annual report to the council: for a year and a scope (the whole office, or one home city),
each partnership's activity by pillar, missions with outcomes, exchanges with participants, projects with
milestones, costs per currency and who funded them, health as of the year's end, review decisions of the year,
plan progress, jubilees in the following year and the narrative staff wrote.

gather() runs a fixed number of queries whatever the number of partnerships or engagements (about 20): every
figure is read for all the partnerships at once, aggregated in SQL where it is a count or a sum."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import joinedload, selectinload

from crm.engagements.models import Engagement
from crm.enums import Pillar, Side
from crm.extensions import db
from crm.governance.models import PartnershipReview, ReportNarrative
from crm.health.queries import flags_and_health, monthly_counts
from crm.health.rules import Flag, Health
from crm.partnerships.models import Partnership, PartnershipStatus
from crm.partnerships.queries import visible_partnership_ids
from crm.programs.exchanges.models import Exchange
from crm.programs.missions.models import TradeMission
from crm.programs.projects.models import JointProject

#: the years of a partnership that are celebrated (as crm.governance.reminders.anniversaries counts them)
JUBILEE_YEARS = (5, 10, 15, 20, 25, 30, 40, 50, 60)


def default_year(today: date) -> int:
    """The report is filed for the year that has ended."""
    return today.year - 1


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def jubilees_in_year(established_on: date | None, year: int) -> list[tuple[int, date]]:
    """(years, day) of the partnership's jubilees that fall in `year` (29 February falls on the 28th)."""
    if established_on is None:
        return []
    years = year - established_on.year
    if years not in JUBILEE_YEARS:
        return []
    try:
        day = established_on.replace(year=year)
    except ValueError:
        day = date(year, 2, 28)
    return [(years, day)]


def milestones_in(project, first: date, last: date) -> list:
    """A project's milestones of a period: due in it, or reached in it; by due date. (One reached after the period
    was still open in it: the report says "due".)"""
    return sorted((m for m in project.milestones
                   if first <= m.due_on <= last or (m.done_on is not None and first <= m.done_on <= last)),
                  key=lambda m: (m.due_on, m.id or 0))


def add_cost(totals: dict[str, int], minor: int | None, currency: str | None) -> None:
    """Costs are added per currency only; an amount without its currency is not counted."""
    if minor is not None and currency:
        totals[currency] = totals.get(currency, 0) + minor


@dataclass
class PartnershipYear:
    """One partnership's year."""
    partnership: Partnership
    engagements: int = 0
    substantive: int = 0
    partner_started: int = 0
    #: substantive engagements per pillar (None: not set)
    by_pillar: dict = field(default_factory=dict)
    missions: list = field(default_factory=list)
    exchanges: list = field(default_factory=list)
    projects: list = field(default_factory=list)
    #: currency → minor units, never added across currencies
    costs: dict = field(default_factory=dict)
    funders: list = field(default_factory=list)
    flag: Flag | None = None
    health: Health | None = None
    reviews: list = field(default_factory=list)
    plan: object | None = None  #: crm.governance.plans.queries.PlanProgress, when the plans feature has one
    anniversaries: list = field(default_factory=list)
    narrative: ReportNarrative | None = None
    #: engagement id → its named participants (crm.protocol.rosters), for those with a roster
    named: dict = field(default_factory=dict)
    #: the cost lines of its trips that started in the year (crm.protocol.costs.rules.CostTotals), if any
    trip_costs: object | None = None

    def exchange_participants(self, exchange) -> int:
        """An exchange's participants: its roster's count when it has one, else the number recorded."""
        return self.named.get(exchange.id) or exchange.participants or 0

    @property
    def participants(self) -> int:
        return sum(self.exchange_participants(exchange) for exchange in self.exchanges)

    @property
    def partner_share(self) -> float | None:
        return self.partner_started / self.substantive if self.substantive else None

    @property
    def pillars_reached(self) -> int:
        return sum(1 for pillar, count in self.by_pillar.items() if pillar is not None and count)

    @property
    def pillar_rows(self) -> list[tuple[Pillar, int]]:
        return [(pillar, self.by_pillar.get(pillar, 0)) for pillar in Pillar]

    @property
    def has_activity(self) -> bool:
        return bool(self.engagements or self.projects or self.reviews)


@dataclass
class AnnualReport:
    year: int
    as_of: date  #: the day health is judged on: the year's last day, or today for the year under way
    home_city: object | None  #: the home city the report is limited to; None: the whole office
    partnerships: list[PartnershipYear]
    monthly: dict = field(default_factory=dict)  #: (year, month) → (substantive, protocol), for the charts
    pillar_counts: dict = field(default_factory=dict)  #: pillar → (in the year, in the three years to its end)
    #: engagement kind → named participants on the rosters of the year's engagements (crm.protocol.rosters)
    participants_by_kind: dict = field(default_factory=dict)
    #: every partnership's trip costs together, per currency (crm.protocol.costs.rules.CostTotals)
    trip_costs: object | None = None

    @property
    def costs(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for row in self.partnerships:
            for currency, minor in row.costs.items():
                add_cost(totals, minor, currency)
        return dict(sorted(totals.items()))

    @property
    def engagements(self) -> int:
        return sum(row.engagements for row in self.partnerships)

    @property
    def substantive(self) -> int:
        return sum(row.substantive for row in self.partnerships)

    @property
    def missions(self) -> int:
        return sum(len(row.missions) for row in self.partnerships)

    @property
    def exchanges(self) -> int:
        return sum(len(row.exchanges) for row in self.partnerships)

    @property
    def participants(self) -> int:
        return sum(row.participants for row in self.partnerships)

    @property
    def projects(self) -> int:
        return sum(len(row.projects) for row in self.partnerships)

    @property
    def decisions(self) -> int:
        return sum(len(row.reviews) for row in self.partnerships)


def partnerships_in_scope(year: int, home_city_id: int | None) -> list[Partnership]:
    """The reader's partnerships a report of that year covers: not archived, established by the year's end
    (or with no date), not proposed only after it. One query."""
    _start, end = year_bounds(year)
    query = (select(Partnership)
             .where(Partnership.id.in_(visible_partnership_ids()), Partnership.archived_at.is_(None),
                    or_(Partnership.established_on.is_(None), Partnership.established_on <= end))
             .options(joinedload(Partnership.home_city), joinedload(Partnership.partner_city),
                      joinedload(Partnership.liaison)))
    if home_city_id is not None:
        query = query.where(Partnership.home_city_id == home_city_id)
    rows = db.session.scalars(query).unique().all()
    return sorted(rows, key=lambda p: (p.partner_city.name.casefold(), p.id))


def gather(year: int, home_city_id: int | None, as_of_today: date) -> AnnualReport:
    """The report's figures; as_of_today: the office's today (crm.clock.office_today)."""
    start, end = year_bounds(year)
    as_of = min(end, as_of_today)
    partnerships = partnerships_in_scope(year, home_city_id)
    rows = {p.id: PartnershipYear(p) for p in partnerships}
    ids = list(rows)
    report = AnnualReport(year=year, as_of=as_of, home_city=None, partnerships=[], monthly={})
    if home_city_id is not None and partnerships:
        report.home_city = partnerships[0].home_city
    if not ids:
        return report
    in_year = and_(Engagement.occurred_on >= start, Engagement.occurred_on <= end)
    e = Engagement
    partner_side = or_(e.initiated_by == Side.PARTNER, e.logged_by_side == Side.PARTNER)
    counted = db.session.execute(
        select(e.partnership_id, e.pillar, func.count(),
               func.count(case((e.substantive.is_(True), literal(1)))),
               func.count(case((and_(e.substantive.is_(True), partner_side), literal(1)))))
        .where(e.partnership_id.in_(ids), in_year).group_by(e.partnership_id, e.pillar))
    for partnership_id, pillar, total, substantive, partner in counted:
        row = rows[partnership_id]
        row.engagements += total
        row.substantive += substantive
        row.partner_started += partner
        if substantive:
            row.by_pillar[pillar] = row.by_pillar.get(pillar, 0) + substantive
    costs = db.session.execute(
        select(e.partnership_id, e.cost_currency, e.funded_by, func.sum(e.cost_minor))
        .where(e.partnership_id.in_(ids), in_year, or_(e.cost_minor.is_not(None), e.funded_by.is_not(None)))
        .group_by(e.partnership_id, e.cost_currency, e.funded_by))
    for partnership_id, currency, funded_by, minor in costs:
        row = rows[partnership_id]
        add_cost(row.costs, int(minor) if minor is not None else None, currency)
        if funded_by and funded_by not in row.funders:
            row.funders.append(funded_by)
    for mission in db.session.scalars(
            select(TradeMission).where(TradeMission.partnership_id.in_(ids), TradeMission.occurred_on <= end,
                                       TradeMission.ends_on >= start)
            .order_by(TradeMission.occurred_on, TradeMission.id).options(selectinload(TradeMission.outcomes))):
        rows[mission.partnership_id].missions.append(mission)
    for exchange in db.session.scalars(
            select(Exchange).where(Exchange.partnership_id.in_(ids), Exchange.occurred_on <= end,
                                   Exchange.ends_on >= start)
            .order_by(Exchange.occurred_on, Exchange.id).options(joinedload(Exchange.host_organization))):
        rows[exchange.partnership_id].exchanges.append(exchange)
    _named_participants(report, rows, start, end)
    _trip_costs(report, rows, start, end)
    for project in db.session.scalars(
            select(JointProject).where(JointProject.partnership_id.in_(ids), JointProject.occurred_on <= end,
                                       or_(JointProject.ends_on.is_(None), JointProject.ends_on >= start))
            .order_by(JointProject.occurred_on, JointProject.id).options(selectinload(JointProject.milestones))):
        rows[project.partnership_id].projects.append(project)
    for partnership_id, (flag, health) in flags_and_health(as_of, ids).items():
        rows[partnership_id].flag, rows[partnership_id].health = flag, health
    for review in db.session.scalars(
            select(PartnershipReview).where(PartnershipReview.partnership_id.in_(ids),
                                            PartnershipReview.decided_on >= start, PartnershipReview.decided_on <= end)
            .order_by(PartnershipReview.decided_on, PartnershipReview.id)):
        rows[review.partnership_id].reviews.append(review)
    for partnership_id, progress in plan_progress_of(ids, as_of).items():
        rows[partnership_id].plan = progress
    for narrative in db.session.scalars(
            select(ReportNarrative).where(ReportNarrative.partnership_id.in_(ids), ReportNarrative.year == year)):
        rows[narrative.partnership_id].narrative = narrative
    for row in rows.values():
        row.anniversaries = jubilees_in_year(row.partnership.established_on, year + 1)
        if row.partnership.status == PartnershipStatus.ENDED and not row.has_activity:
            continue  # ended before the year: nothing to report
        report.partnerships.append(row)
    report.monthly = monthly_counts(as_of, months=24, partnership_ids=ids)
    report.pillar_counts = _pillar_totals(report.partnerships, as_of, ids)
    return report


def _named_participants(report: AnnualReport, rows: dict, start: date, end: date) -> None:
    """The rosters' counts of the engagements under way in the year, per engagement and per kind (one query)."""
    from crm.protocol.models import RosterEntry

    exchanges, missions = Exchange.__table__, TradeMission.__table__
    ends = func.coalesce(exchanges.c.ends_on, missions.c.ends_on, Engagement.occurred_on)
    by_kind: dict = defaultdict(int)
    for engagement_id, partnership_id, kind, number in db.session.execute(
            select(Engagement.id, Engagement.partnership_id, Engagement.kind, func.count(RosterEntry.id))
            .join(RosterEntry, RosterEntry.engagement_id == Engagement.id)
            .outerjoin(exchanges, exchanges.c.id == Engagement.id).outerjoin(missions, missions.c.id == Engagement.id)
            .where(Engagement.partnership_id.in_(list(rows)), Engagement.occurred_on <= end, ends >= start)
            .group_by(Engagement.id, Engagement.partnership_id, Engagement.kind)):
        rows[partnership_id].named[engagement_id] = number
        by_kind[kind] += number
    report.participants_by_kind = dict(sorted(by_kind.items(), key=lambda item: -item[1]))


def _trip_costs(report: AnnualReport, rows: dict, start: date, end: date) -> None:
    """The cost lines of the trips that started in the year, per partnership and in all (one query)."""
    from crm.protocol.costs.queries import costs_of_period
    from crm.protocol.costs.rules import merged

    for partnership_id, totals in costs_of_period(list(rows), start, end).items():
        rows[partnership_id].trip_costs = totals
    report.trip_costs = merged(row.trip_costs for row in rows.values() if row.trip_costs)


def _pillar_totals(partnership_years: list[PartnershipYear], as_of: date, ids: list[int]) -> dict:
    """Pillar → (the year's substantive engagements, the three years' to its end), as the dashboard's pillar
    chart takes them. One query."""
    from crm.health.pillars import pillar_counts

    three_years = pillar_counts(as_of, partnership_ids=ids)
    year: dict = defaultdict(int)
    for row in partnership_years:
        for pillar, count in row.by_pillar.items():
            year[pillar] += count
    return {pillar: (year.get(pillar, 0), three_years.get(pillar, (0, 0))[1])
            for pillar in set(year) | set(three_years)}


def plan_progress_of(ids: list[int], as_of: date) -> dict:
    """Partnership id → its current plan's progress, from the plans feature when it is there (four queries)."""
    try:
        from crm.governance.plans.queries import plan_summaries
    except ImportError:  # the plans feature not installed: the report says nothing of plans
        return {}
    return plan_summaries(ids, as_of)
