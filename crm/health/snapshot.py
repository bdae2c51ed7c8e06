"""The portfolio's health facts, computed once and reused until something changes.

The aggregate over every partnership costs a few hundred milliseconds at
5,000 partnerships; the dashboard and the health-sorted list would pay it
on every view. Instead each process keeps the last result (crm.process_cache),
keyed by the office's activity stamp — a value that changes in the same
transaction as any engagement or partnership (crm.activity) — and by the date,
since the figures slide with it. Another worker's write changes the stamp in
the database, so every process notices on its next request.
"""
from dataclasses import dataclass
from datetime import date

from crm.health.charts import by_quarter
from crm.health.queries import activities, monthly_counts
from crm.health.rules import Activity
from crm.process_cache import ProcessCache
from crm.settings.service import office_settings

_cache = ProcessCache(size=4)


@dataclass(frozen=True)
class Snapshot:
    activities: dict[int, Activity]
    quarters: list  #: [(quarter start, substantive, protocol)] across the whole portfolio


def portfolio_snapshot(as_of: date) -> Snapshot:
    settings = office_settings()
    return _cache.get((as_of, settings.activity_stamp, settings.threshold_months),
                      lambda: Snapshot(activities(as_of), by_quarter(monthly_counts(as_of), as_of)))
