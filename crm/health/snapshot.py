"""The portfolio's health facts, computed once per process and brought up to date change by change.

The aggregate over every partnership costs a few hundred milliseconds at 5,000 partnerships; the dashboard,
the partnership list and the map would pay it on every view. Instead each process keeps the last result
(crm.process_cache) with the office's activity stamp it is for — a value that moves in the same transaction
as any engagement, partnership or home city (crm.activity). When the stamp has moved, the chain of changes
(ActivityChange) says which partnerships they were about, and only those are read again: a few index probes
instead of the whole aggregate, so the first view after a change costs about what the one before it did.
Everything is read again when the chain does not reach back (an import, a home city's threshold, a process
far behind), when the date or the office's threshold changes.

With Redis (REDIS_URL), every full reading is published (crm.health.shared), and a process that has no figures,
or whose figures the chain cannot bring up to date, takes the current stamp's from there, or the last published
and brings them up to date the same way: one host's cold reading serves every other process on every host.

Per partnership the snapshot keeps its rule inputs (Activity), its engagements per month for the quarterly
chart and its substantive engagements per pillar; the portfolio's totals are kept beside them and moved by
the difference, never summed again.
"""
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from flask import g, has_request_context
from sqlalchemy import case, extract, func, literal, select

from crm.engagements.models import Engagement, Pillar
from crm.extensions import db
from crm.health.charts import by_quarter
from crm.health.pillars import LONG_MONTHS
from crm.health.queries import activities
from crm.health.rules import Activity, Flag, evaluate, sort_by_attention, window_start
from crm.process_cache import ProcessCache
from crm.settings.models import ActivityChange
from crm.settings.service import office_settings

CHART_MONTHS = 36  #: the quarterly chart's three years
CHAIN_LIMIT = 200  #: changes followed back; a process further behind reads everything again

_cache = ProcessCache(size=2)  #: today (and yesterday, for a request that began before midnight): ~10 MB each at 5,000

Months = tuple[int, ...]  #: substantive and protocol counts of each month, oldest first: (s0, p0, s1, p1, …)
PillarCounts = dict[Pillar | None, tuple[int, int]]  #: pillar → (last 12 months, last 3 years)


@dataclass(frozen=True)
class Snapshot:
    as_of: date
    stamp: str
    activities: dict[int, Activity]
    months: dict[int, Months]  #: per partnership with engagements in the chart's window
    pillars: dict[int, PillarCounts]  #: per partnership with substantive engagements in the last 3 years
    month_totals: Months
    pillar_totals: PillarCounts
    flags: dict[int, Flag]  #: the rule's verdict on each partnership as of the date (evaluated once, not per view)

    @functools.cached_property
    def by_attention(self) -> list[int]:
        """Every partnership, most in need of attention first (crm.health.service.sort_by_attention)."""
        return sort_by_attention(self.flags)

    @property
    def quarters(self) -> list:
        """[(quarter start, substantive, protocol)] across the whole portfolio."""
        return self._by_quarter(self.month_totals)

    def partnership_quarters(self, partnership_id: int) -> list:
        """[(quarter start, substantive, protocol)] of one partnership."""
        return self._by_quarter(self.months.get(partnership_id, _zero_months()))

    def _by_quarter(self, counts: Months) -> list:
        first = _first_month(self.as_of)
        monthly = {}
        for index in range(CHART_MONTHS):
            month = first + relativedelta(months=index)
            monthly[(month.year, month.month)] = counts[2 * index: 2 * index + 2]
        return by_quarter(monthly, self.as_of)

    def updated(self, changed: set[int], stamp: str) -> "Snapshot":
        """This snapshot with the changed partnerships read again (a partnership now archived or deleted drops
        out of the rule's figures; its engagements still count in the charts, as in the full aggregate)."""
        if not changed:
            return Snapshot(self.as_of, stamp, self.activities, self.months, self.pillars, self.month_totals,
                            self.pillar_totals, self.flags)
        ids = sorted(changed)
        fresh_activities = activities(self.as_of, ids)
        fresh_months, fresh_pillars = month_counts(self.as_of, ids), pillar_counts(self.as_of, ids)
        kept_activities = {pid: a for pid, a in self.activities.items() if pid not in changed}
        kept_months = {pid: m for pid, m in self.months.items() if pid not in changed}
        kept_pillars = {pid: p for pid, p in self.pillars.items() if pid not in changed}
        old_months = [self.months[pid] for pid in ids if pid in self.months]
        old_pillars = [self.pillars[pid] for pid in ids if pid in self.pillars]
        month_totals = _add(_add(self.month_totals, old_months, -1), fresh_months.values(), 1)
        pillar_totals = _add_pillars(_add_pillars(self.pillar_totals, old_pillars, -1), fresh_pillars.values(), 1)
        kept_flags = {pid: f for pid, f in self.flags.items() if pid not in changed}
        fresh_flags = {pid: evaluate(a, self.as_of) for pid, a in fresh_activities.items()}
        return Snapshot(self.as_of, stamp, kept_activities | fresh_activities, kept_months | fresh_months,
                        kept_pillars | fresh_pillars, month_totals, pillar_totals, kept_flags | fresh_flags)


def portfolio_snapshot(as_of: date) -> Snapshot:
    from crm.health import shared  # it reads and writes Snapshots: imports this module

    settings = office_settings()
    if has_request_context() and g.get("guest_scope") is not None:
        # a guest's statements see only their own partnership (crm.guests.scope): never kept for anyone else
        return full_snapshot(as_of, settings.activity_stamp)
    key = (as_of, settings.threshold_months)
    kept = _cache.peek(key)
    if kept is not None and kept.stamp == settings.activity_stamp:
        return kept
    snapshot = brought_up_to_date(kept, settings.activity_stamp)
    if snapshot is None:  # none kept here, or the chain cannot tell what changed since: another host's?
        snapshot = brought_up_to_date(shared.fetch(*key, settings.activity_stamp), settings.activity_stamp)
    if snapshot is None:
        snapshot = full_snapshot(as_of, settings.activity_stamp)
        shared.publish(snapshot, settings.threshold_months)
    _cache.put(key, snapshot)
    return snapshot


def brought_up_to_date(snapshot: Snapshot | None, stamp: str) -> Snapshot | None:
    """The snapshot with what changed since its stamp read again; None when there is none, or when the chain
    of changes cannot tell what changed."""
    if snapshot is None or snapshot.stamp == stamp:
        return snapshot
    changed = changed_since(snapshot.stamp, stamp)
    return snapshot.updated(changed, stamp) if changed is not None else None


def changed_since(known: str, current: str) -> set[int] | None:
    """The partnerships changed between two stamps, from the chain of changes; None when it cannot tell (the
    chain breaks or is too long, or a change may have touched any partnership)."""
    c = ActivityChange.__table__.c
    chain = select(c.stamp, c.previous, c.partnership_ids, literal(1).label("depth")).where(
        c.stamp == current).cte("chain", recursive=True)
    chain = chain.union_all(
        select(c.stamp, c.previous, c.partnership_ids, chain.c.depth + 1)
        .join(chain, c.stamp == chain.c.previous)
        .where(chain.c.previous != known, chain.c.depth < CHAIN_LIMIT))
    rows = db.session.execute(select(chain.c.previous, chain.c.partnership_ids)).all()
    if not any(row.previous == known for row in rows):
        return None
    changed: set[int] = set()
    for row in rows:
        if row.partnership_ids is None:
            return None
        changed.update(row.partnership_ids)
    return changed


def full_snapshot(as_of: date, stamp: str) -> Snapshot:
    months, pillars, rule_inputs = month_counts(as_of), pillar_counts(as_of), activities(as_of)
    return Snapshot(as_of, stamp, rule_inputs, months, pillars,
                    _add(_zero_months(), months.values(), 1), _add_pillars({}, pillars.values(), 1),
                    {pid: evaluate(a, as_of) for pid, a in rule_inputs.items()})


def month_counts(as_of: date, partnership_ids: list[int] | None = None) -> dict[int, Months]:
    """Per partnership: substantive and protocol engagements of each of the chart's months up to as_of."""
    e = Engagement
    first = _first_month(as_of)
    year, month = extract("year", e.occurred_on), extract("month", e.occurred_on)
    query = (select(e.partnership_id, year, month, func.count(case((e.substantive, literal(1)))),
                    func.count(case((~e.substantive, literal(1)))))
             .where(e.occurred_on >= first, e.occurred_on <= as_of).group_by(e.partnership_id, year, month))
    if partnership_ids is not None:
        query = query.where(e.partnership_id.in_(partnership_ids))
    counts: dict[int, list[int]] = {}
    for pid, y, m, substantive, protocol in db.session.execute(query):
        index = (int(y) - first.year) * 12 + int(m) - first.month
        row = counts.setdefault(pid, [0] * (2 * CHART_MONTHS))
        row[2 * index], row[2 * index + 1] = int(substantive), int(protocol)
    return {pid: tuple(row) for pid, row in counts.items()}


def pillar_counts(as_of: date, partnership_ids: list[int] | None = None) -> dict[int, PillarCounts]:
    """Per partnership, as crm.health.pillars.pillar_counts counts them for a set of partnerships."""
    e = Engagement
    recent = func.count(case((e.occurred_on > window_start(as_of), literal(1))))
    query = (select(e.partnership_id, e.pillar, recent, func.count())
             .where(e.substantive.is_(True), e.occurred_on > as_of - relativedelta(months=LONG_MONTHS),
                    e.occurred_on <= as_of)
             .group_by(e.partnership_id, e.pillar))
    if partnership_ids is not None:
        query = query.where(e.partnership_id.in_(partnership_ids))
    counts: dict[int, PillarCounts] = {}
    for pid, pillar, last_year, three_years in db.session.execute(query):
        counts.setdefault(pid, {})[pillar] = (int(last_year), int(three_years))
    return counts


def _first_month(as_of: date) -> date:
    return as_of.replace(day=1) - relativedelta(months=CHART_MONTHS - 1)


def _zero_months() -> Months:
    return (0,) * (2 * CHART_MONTHS)


def _add(total: Months, rows: Iterable[Months], sign: int) -> Months:
    result = list(total)
    for row in rows:
        for index, value in enumerate(row):
            if value:
                result[index] += sign * value
    return tuple(result)


def _add_pillars(total: PillarCounts, rows: Iterable[PillarCounts], sign: int) -> PillarCounts:
    result = dict(total)
    for row in rows:
        for pillar, (last_year, three_years) in row.items():
            before = result.get(pillar, (0, 0))
            result[pillar] = (before[0] + sign * last_year, before[1] + sign * three_years)
    return {pillar: counts for pillar, counts in result.items() if counts != (0, 0)}
