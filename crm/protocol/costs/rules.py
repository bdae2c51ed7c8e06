"""The rules of trip costs, as plain functions: which trips need an approval and when one is missing, what the
disclosure of travel paid by others covers, and totals kept per currency (never added across currencies)."""
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from crm.enums import CostStage, EngagementKind, ParticipantRole, Payer

#: days before departure from which a trip without approval is flagged, until the admin chooses
#: (OfficeSettings.approval_lead_days)
DEFAULT_LEAD_DAYS = 30
#: the engagements that are trips: an approval is expected before they start
TRIP_KINDS = (EngagementKind.TRADE_MISSION, EngagementKind.EXCHANGE, EngagementKind.VISIT)
#: who counts as an official for the disclosure of travel paid by others (California's Form 801)
OFFICIAL_ROLES = (ParticipantRole.OFFICIAL, ParticipantRole.DELEGATE, ParticipantRole.STAFF)
#: the payers the disclosure reports: partners and third parties, not the city or the traveller
DISCLOSED_PAYERS = (Payer.PARTNER, Payer.GRANT, Payer.SPONSOR)
#: payers whose name the record must give (a grant or a sponsor is nobody without one)
NAMED_PAYERS = (Payer.GRANT, Payer.SPONSOR)


def approval_window(today: date, lead_days: int) -> tuple[date, date]:
    """The starts (both days included) of the trips that must have their approval by now."""
    return today, today + timedelta(days=max(lead_days, 0))


def approval_missing(kind: EngagementKind, starts_on: date, approved: bool, today: date, lead_days: int) -> bool:
    """A trip starting within lead_days of today (and not started yet) that has no approval."""
    first, last = approval_window(today, lead_days)
    return kind in TRIP_KINDS and not approved and first <= starts_on <= last


def left_without_approval(kind: EngagementKind, starts_on: date, approved: bool, today: date) -> bool:
    """A trip that has started, or is over, with no approval on record."""
    return kind in TRIP_KINDS and not approved and starts_on < today


def is_disclosed(stage: CostStage, paid_by: Payer, traveller_role: ParticipantRole | None,
                 trip_has_officials: bool) -> bool:
    """Whether a cost line belongs in the disclosure: an actual cost that a partner or a third party paid, for an
    official's travel (the line's traveller is one, or it is the whole trip's and officials travelled)."""
    if stage != CostStage.ACTUAL or paid_by not in DISCLOSED_PAYERS:
        return False
    if traveller_role is not None:
        return traveller_role in OFFICIAL_ROLES
    return trip_has_officials


def add(totals: dict[str, int], currency: str | None, minor: int | None) -> None:
    """Add an amount to the total of its own currency; an amount without a currency is not counted."""
    if minor is not None and currency:
        totals[currency] = totals.get(currency, 0) + int(minor)


@dataclass
class CostTotals:
    """Totals of a set of cost lines: per stage, per payer within each stage, each per currency (currency →
    minor units, sorted by code)."""
    by_stage: dict = field(default_factory=dict)  #: CostStage → {currency: minor}
    by_payer: dict = field(default_factory=dict)  #: (CostStage, Payer) → {currency: minor}

    @property
    def payers(self) -> list[Payer]:
        """The payers that paid anything, in the enum's order."""
        present = {payer for _stage, payer in self.by_payer}
        return [payer for payer in Payer if payer in present]

    @property
    def stages(self) -> list[CostStage]:
        return [stage for stage in CostStage if stage in self.by_stage]

    def cell(self, stage: CostStage, payer: Payer | None = None) -> list[tuple[str, int]]:
        """(currency, minor) pairs of a stage's total (or one payer's part of it), by currency."""
        totals = self.by_stage.get(stage, {}) if payer is None else self.by_payer.get((stage, payer), {})
        return sorted(totals.items())

    def currency_rows(self) -> list[tuple[str, int, int, int, int]]:
        """(currency, budget, actual, actual paid by the city, actual paid by others) per currency, by code: the
        annual report's table."""
        currencies = sorted({currency for totals in self.by_stage.values() for currency in totals})
        rows = []
        for currency in currencies:
            actual = self.by_stage.get(CostStage.ACTUAL, {}).get(currency, 0)
            city = self.by_payer.get((CostStage.ACTUAL, Payer.CITY), {}).get(currency, 0)
            rows.append((currency, self.by_stage.get(CostStage.BUDGET, {}).get(currency, 0), actual, city,
                         actual - city))
        return rows

    def __bool__(self) -> bool:
        return bool(self.by_stage)


def merged(totals: Iterable[CostTotals]) -> CostTotals:
    """Several sets of totals as one (still per currency)."""
    return cost_totals((stage, payer, currency, minor) for each in totals
                       for (stage, payer), amounts in each.by_payer.items() for currency, minor in amounts.items())


def cost_totals(rows: Iterable[tuple[CostStage, Payer, str, int]]) -> CostTotals:
    """Fold (stage, payer, currency, minor) rows, already summed by SQL or not, into totals per currency."""
    by_stage: dict = defaultdict(dict)
    by_payer: dict = defaultdict(dict)
    for stage, payer, currency, minor in rows:
        add(by_stage[stage], currency, minor)
        add(by_payer[(stage, payer)], currency, minor)
    return CostTotals(by_stage={stage: dict(sorted(t.items())) for stage, t in by_stage.items()},
                      by_payer={key: dict(sorted(t.items())) for key, t in by_payer.items()})
