"""The evidence a review is opened with, frozen as plain JSON: what the figures were on that day, whatever
happens afterwards. Only values are stored (dates, counts, codes); the words are made in the reader's language
when the review is shown (``readable``)."""
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from flask_babel import gettext
from sqlalchemy import case, func, literal, or_, select

from crm.engagements.models import Engagement
from crm.enums import Pillar, Side
from crm.extensions import db
from crm.health.reasons import reason, state_label
from crm.health.rules import Flag, HealthState
from crm.health.service import partnership_health
from crm.money import format_money
from crm.partnerships.models import Partnership

COST_YEARS = 3  #: costs and the partner's share are summed over the last three years


def gather(partnership: Partnership, as_of: date) -> dict:
    """The evidence of a review of the partnership opened on as_of."""
    found = partnership_health(partnership, as_of)
    flag, health = found.flag, found.health
    start = as_of - relativedelta(years=COST_YEARS)
    e = Engagement
    window = (e.partnership_id == partnership.id, e.occurred_on > start, e.occurred_on <= as_of)
    partner = or_(e.initiated_by == Side.PARTNER, e.logged_by_side == Side.PARTNER)
    recent = e.occurred_on > as_of - relativedelta(months=12)
    pillars = {
        (pillar.value if pillar else None): [int(last_year), int(three_years), int(partner_started)]
        for pillar, last_year, three_years, partner_started in db.session.execute(
            select(e.pillar, func.count(case((recent, literal(1)))), func.count(),
                   func.count(case((partner, literal(1)))))
            .where(*window, e.substantive.is_(True)).group_by(e.pillar))}
    costs = {currency: int(total) for currency, total in db.session.execute(
        select(e.cost_currency, func.sum(e.cost_minor))
        .where(*window, e.cost_minor.is_not(None), e.cost_currency.is_not(None)).group_by(e.cost_currency))}
    return {
        "as_of": as_of.isoformat(),
        "health": {
            "state": flag.state.value, "since": _iso(flag.since), "months": flag.months,
            "threshold_months": flag.threshold_months, "never_substantive": flag.never_substantive,
            "protocol_since": flag.protocol_since, "last_protocol": _iso(flag.last_protocol),
            "revival_planned": _iso(flag.revival_planned), "status": partnership.status.value,
            "days_since_substantive": health.days_since_substantive, "substantive_12m": health.substantive_12m,
            "pillars_12m": health.pillars_12m, "partner_share_12m": health.partner_share,
        },
        "plan": _plan(partnership.id, as_of),
        "pillars": pillars,
        "costs": costs,
        "cost_years": COST_YEARS,
    }


def _plan(partnership_id: int, as_of: date) -> dict | None:
    """The plan's progress from the plans capability, when it is there (it was built beside this one)."""
    try:
        from crm.governance.plans.queries import plan_progress
    except ImportError:  # pragma: no cover - the plans capability not installed
        return None
    progress = plan_progress(partnership_id, as_of)
    return progress.as_dict() if progress is not None else None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass
class Readable:
    """The evidence as a page or a letter shows it."""

    as_of: date | None
    state: str  #: the health state's label
    state_value: str
    reason: str
    days_since_substantive: int | None
    substantive_12m: int
    pillars_12m: int
    partner_share: float | None  #: over the last 12 months
    plan: dict | None
    plan_states: dict  #: state code → label
    pillars: list  #: (label, last 12 months, last 3 years, partner-started in 3 years)
    partner_started: int
    substantive_3y: int
    costs: list  #: formatted totals per currency
    cost_years: int


def readable(evidence: dict, status_label: str = "") -> Readable:
    """Words and rows from the stored evidence, in the reader's language."""
    health = evidence.get("health") or {}
    as_of = _day(evidence.get("as_of"))
    state = HealthState(health.get("state", HealthState.NOT_EVALUATED.value))
    flag = Flag(state, health.get("threshold_months", 12), _day(health.get("since")), health.get("months", 0),
                bool(health.get("never_substantive")), health.get("protocol_since", 0),
                _day(health.get("last_protocol")), _day(health.get("revival_planned")))
    plan = evidence.get("plan")
    if plan:
        plan = dict(plan, starts_on=_day(plan.get("starts_on")), ends_on=_day(plan.get("ends_on")))
    counts = evidence.get("pillars") or {}
    rows = [(str(pillar.label), *counts.get(pillar.value, (0, 0, 0))) for pillar in Pillar]
    if counts.get(None) or counts.get("null"):
        rows.append((gettext("Pillar not set"), *(counts.get(None) or counts.get("null"))))
    return Readable(
        as_of=as_of, state=state_label(state), state_value=state.value,
        reason=reason(flag, status_label, as_of) if as_of else "",
        days_since_substantive=health.get("days_since_substantive"),
        substantive_12m=health.get("substantive_12m", 0), pillars_12m=health.get("pillars_12m", 0),
        partner_share=health.get("partner_share_12m"), plan=plan, plan_states=_plan_states(),
        pillars=rows, partner_started=sum(row[3] for row in rows), substantive_3y=sum(row[2] for row in rows),
        costs=[format_money(total, currency) for currency, total in sorted((evidence.get("costs") or {}).items())],
        cost_years=evidence.get("cost_years", COST_YEARS),
    )


def _plan_states() -> dict:
    try:
        from crm.governance.plans.rules import ProgressState
    except ImportError:  # pragma: no cover
        return {}
    return {state.value: str(state.label) for state in ProgressState}
