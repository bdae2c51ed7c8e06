"""The portfolio's health facts, computed once and reused until something changes.

The aggregate over every partnership costs a few hundred milliseconds at
5,000 partnerships; the dashboard and the health-sorted list would pay it
on every view. Instead each process keeps the last result, keyed by the
office's activity stamp — a value that changes in the same transaction as
any engagement or partnership (see mark_activity) — and by the date, since
the figures slide with it. Another worker's write changes the stamp in the
database, so every process notices on its next request.
"""
import threading
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import event, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from crm.engagements.models import Engagement
from crm.extensions import db
from crm.health.charts import by_quarter
from crm.health.queries import activities, monthly_counts
from crm.health.rules import Activity
from crm.partnerships.models import Partnership
from crm.settings.models import HomeCity, OfficeSettings
from crm.settings.service import office_settings

_lock = threading.Lock()
_cache: dict[tuple, "Snapshot"] = {}
_CACHE_SIZE = 4


@dataclass(frozen=True)
class Snapshot:
    activities: dict[int, Activity]
    quarters: list  #: [(quarter start, substantive, protocol)] across the whole portfolio


def portfolio_snapshot(as_of: date) -> Snapshot:
    settings = office_settings()
    key = (str(db.engine.engine.url), as_of, settings.activity_stamp, settings.threshold_months)
    with _lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    snapshot = Snapshot(activities(as_of), by_quarter(monthly_counts(as_of), as_of))
    with _lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = snapshot
    return snapshot


@event.listens_for(Session, "before_flush")
def mark_activity(session, flush_context, instances):
    """Any change to an engagement or a partnership makes the cached figures stale."""
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, (Engagement, Partnership, HomeCity)) for obj in changed):
        settings = session.get(OfficeSettings, 1)
        if settings is None:
            session.add(OfficeSettings(id=1))
            return
        # Past the ORM, so the stamp does not count as an edit of the settings (their version stays).
        stamp = uuid.uuid4().hex
        session.connection().execute(
            update(OfficeSettings.__table__).where(OfficeSettings.__table__.c.id == 1).values(activity_stamp=stamp))
        set_committed_value(settings, "activity_stamp", stamp)
