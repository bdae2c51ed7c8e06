"""Reading cost lines, approvals and their totals through the reader's scope (staff only: the guest scope hides
costs and approvals altogether). Each function is one query, whatever the number of lines."""
from dataclasses import dataclass, field
from datetime import date

from flask import abort
from sqlalchemy import case, extract, func, select
from sqlalchemy.orm import joinedload

from crm.attachments.models import Attachment
from crm.engagements.models import Engagement
from crm.enums import CostStage, Payer
from crm.extensions import db
from crm.partnerships.models import Partnership
from crm.partnerships.queries import visible_partnership_ids
from crm.protocol.costs.rules import TRIP_KINDS, CostTotals, add, approval_window, cost_totals
from crm.protocol.models import CostLine, RosterEntry, TripApproval

#: what a cost line's pages show: its engagement with the partnership's cities, and its traveller
LINE_LOADS = (joinedload(CostLine.engagement).joinedload(Engagement.partnership).joinedload(Partnership.partner_city),
              joinedload(CostLine.engagement).joinedload(Engagement.partnership).joinedload(Partnership.home_city),
              joinedload(CostLine.roster_entry).joinedload(RosterEntry.contact))


def get_cost_line_or_404(line_id: int) -> CostLine:
    """The line, if the reader may see its engagement's partnership; otherwise 404."""
    line = db.session.scalar(
        select(CostLine).join(CostLine.engagement)
        .where(CostLine.id == line_id, Engagement.partnership_id.in_(visible_partnership_ids())).options(*LINE_LOADS))
    if line is None:
        abort(404)
    return line


def engagement_lines(engagement_id: int) -> list[CostLine]:
    """An engagement's lines: budget first, then actual; by category, then as entered."""
    return list(db.session.scalars(
        select(CostLine).where(CostLine.engagement_id == engagement_id)
        .options(joinedload(CostLine.roster_entry).joinedload(RosterEntry.contact))
        .order_by(case((CostLine.stage == CostStage.BUDGET, 0), else_=1), CostLine.category, CostLine.id)))


def receipts_by_line(engagement_id: int) -> dict[int, list[Attachment]]:
    """Line id → its receipts (the files attached to it), oldest first, for every line of an engagement."""
    found: dict[int, list[Attachment]] = {}
    for attachment in db.session.scalars(
            select(Attachment).where(Attachment.cost_line_id.in_(
                select(CostLine.id).where(CostLine.engagement_id == engagement_id)))
            .order_by(Attachment.created_at, Attachment.id)):
        found.setdefault(attachment.cost_line_id, []).append(attachment)
    return found


def receipts_of(line_id: int) -> list[Attachment]:
    return list(db.session.scalars(
        select(Attachment).where(Attachment.cost_line_id == line_id)
        .options(joinedload(Attachment.uploaded_by)).order_by(Attachment.created_at, Attachment.id)))


def engagement_totals(engagement_id: int) -> CostTotals:
    """An engagement's totals per stage and payer, per currency, summed by the database."""
    return cost_totals(db.session.execute(
        select(CostLine.stage, CostLine.paid_by, CostLine.currency, func.sum(CostLine.amount_minor))
        .where(CostLine.engagement_id == engagement_id)
        .group_by(CostLine.stage, CostLine.paid_by, CostLine.currency)))


def funding_counts(engagement_id: int) -> list[tuple[Payer | None, int]]:
    """Who funds whom: how many of the engagement's travellers each payer funds (None: not stated), in the
    payers' order, the unstated last."""
    counts = dict(db.session.execute(
        select(RosterEntry.funded_by, func.count()).where(RosterEntry.engagement_id == engagement_id)
        .group_by(RosterEntry.funded_by)).all())
    return [(payer, counts[payer]) for payer in (*Payer, None) if counts.get(payer)]


def travellers(engagement_id: int) -> list[RosterEntry]:
    """The engagement's roster, with each person, for the "traveller" choice of a cost line."""
    return list(db.session.scalars(
        select(RosterEntry).where(RosterEntry.engagement_id == engagement_id)
        .options(joinedload(RosterEntry.contact)).order_by(RosterEntry.side, RosterEntry.id)))


def approval_of(engagement_id: int) -> TripApproval | None:
    return db.session.scalar(select(TripApproval).where(TripApproval.engagement_id == engagement_id))


def trips_without_approval(partnership_ids, today: date, lead_days: int, limit: int) -> tuple[list[Engagement], int]:
    """Missions, exchanges and visits of these partnerships (a select of ids, or a list) that start within
    lead_days of today and have no approval: the soonest first, at most `limit`, and how many there are in all
    (one query: the total is a window count over the same rows)."""
    first, last = approval_window(today, lead_days)
    total = func.count().over().label("total")
    rows = db.session.execute(
        select(Engagement, total).join(Engagement.partnership)
        .outerjoin(TripApproval, TripApproval.engagement_id == Engagement.id)
        .where(Engagement.partnership_id.in_(partnership_ids), Partnership.archived_at.is_(None),
               Engagement.kind.in_(TRIP_KINDS), Engagement.occurred_on >= first, Engagement.occurred_on <= last,
               TripApproval.id.is_(None))
        .options(joinedload(Engagement.partnership).joinedload(Partnership.partner_city))
        .order_by(Engagement.occurred_on, Engagement.id).limit(limit)).unique().all()
    return [row[0] for row in rows], (rows[0][1] if rows else 0)


# -- totals per year and partnership -----------------------------------------------------------------------

@dataclass
class YearRow:
    """One partnership's costs of one year in one currency."""
    year: int
    partnership: Partnership
    currency: str
    budget: int = 0
    actual: int = 0
    #: the actual costs per payer (minor units of this row's currency)
    paid: dict = field(default_factory=dict)


def cost_year():
    """The year a cost counts in: its engagement's start."""
    return extract("year", Engagement.occurred_on)


def cost_years() -> list[int]:
    """The years (of the engagements' start) that have cost lines, latest first."""
    year = cost_year()
    return [int(value) for value in db.session.scalars(
        select(year).select_from(CostLine).join(CostLine.engagement)
        .where(Engagement.partnership_id.in_(visible_partnership_ids())).group_by(year).order_by(year.desc()))
        if value is not None]


def year_totals(year: int | None = None, partnership_id: int | None = None) -> list[YearRow]:
    """Costs per year (of the engagement's start), partnership and currency, latest year first, then by partner
    city: one grouped query and one for the partnerships' names."""
    year_of = cost_year().label("year")
    query = (select(year_of, Engagement.partnership_id, CostLine.currency, CostLine.stage, CostLine.paid_by,
                    func.sum(CostLine.amount_minor))
             .select_from(CostLine).join(CostLine.engagement)
             .where(Engagement.partnership_id.in_(visible_partnership_ids()))
             .group_by(year_of, Engagement.partnership_id, CostLine.currency, CostLine.stage, CostLine.paid_by))
    if year:
        query = query.where(cost_year() == year)
    if partnership_id:
        query = query.where(Engagement.partnership_id == partnership_id)
    rows: dict[tuple, dict] = {}
    for row_year, pid, currency, stage, payer, minor in db.session.execute(query):
        cell = rows.setdefault((int(row_year), pid, currency), {"budget": {}, "actual": {}, "paid": {}})
        if stage == CostStage.BUDGET:
            add(cell["budget"], currency, minor)
        else:
            add(cell["actual"], currency, minor)
            add(cell["paid"], payer.value, minor)
    partnerships = _partnerships({pid for _year, pid, _currency in rows})
    result = [YearRow(year=row_year, partnership=partnerships[pid], currency=currency,
                      budget=cell["budget"].get(currency, 0), actual=cell["actual"].get(currency, 0),
                      paid={Payer(payer): minor for payer, minor in cell["paid"].items()})
              for (row_year, pid, currency), cell in rows.items() if pid in partnerships]
    return sorted(result, key=lambda r: (-r.year, r.partnership.partner_city.name.casefold(), r.partnership.id,
                                         r.currency))


def year_summary(rows: list[YearRow]) -> list[tuple[int, str, int, int]]:
    """(year, currency, budget, actual) of every partnership together: the totals of a year, per currency."""
    totals: dict[tuple[int, str], list[int]] = {}
    for row in rows:
        pair = totals.setdefault((row.year, row.currency), [0, 0])
        pair[0] += row.budget
        pair[1] += row.actual
    return sorted(((year, currency, budget, actual) for (year, currency), (budget, actual) in totals.items()),
                  key=lambda r: (-r[0], r[1]))


def _partnerships(ids: set[int]) -> dict[int, Partnership]:
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(
        select(Partnership).where(Partnership.id.in_(ids))
        .options(joinedload(Partnership.partner_city), joinedload(Partnership.home_city)))}


def costs_of_period(partnership_ids: list[int], first: date, last: date) -> dict[int, CostTotals]:
    """Partnership id → the totals of its cost lines (per stage and payer, per currency) for the engagements
    starting in the period; for the annual report. One grouped query."""
    if not partnership_ids:
        return {}
    rows: dict[int, list] = {}
    for pid, stage, payer, currency, minor in db.session.execute(
            select(Engagement.partnership_id, CostLine.stage, CostLine.paid_by, CostLine.currency,
                   func.sum(CostLine.amount_minor))
            .select_from(CostLine).join(CostLine.engagement)
            .where(Engagement.partnership_id.in_(partnership_ids), Engagement.occurred_on >= first,
                   Engagement.occurred_on <= last)
            .group_by(Engagement.partnership_id, CostLine.stage, CostLine.paid_by, CostLine.currency)):
        rows.setdefault(pid, []).append((stage, payer, currency, minor))
    return {pid: cost_totals(found) for pid, found in rows.items()}
