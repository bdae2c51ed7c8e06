"""What reminders show on other features' pages: the partnership page, the dashboard and the liaison digest.
Each function reads a fixed number of queries whatever the data size."""
from datetime import date

from sqlalchemy import select

from crm.agreements.models import Agreement
from crm.extensions import db
from crm.governance.reminders.anniversaries import (
    REMEMBERED_AGREEMENTS,
    Anniversary,
    next_jubilee,
    upcoming_anniversaries,
)
from crm.partnerships.models import Partnership
from crm.settings.service import stored_office_settings

DEFAULT_LEAD_MONTHS = 12
DASHBOARD_LIMIT = 10  #: anniversaries listed on the dashboard; the calendar has them all


def anniversary_lead_months() -> int:
    settings = stored_office_settings()  # a read never writes the settings row
    return settings.anniversary_lead_months if settings is not None else DEFAULT_LEAD_MONTHS


def next_anniversaries(partnership: Partnership, as_of: date) -> list[Anniversary]:
    """The next jubilee of the partnership and of each of its signed agreements, soonest first (one query)."""
    found = []
    if partnership.established_on is not None and (jubilee := next_jubilee(partnership.established_on, as_of)):
        found.append(Anniversary(jubilee[1], jubilee[0], partnership))
    for agreement in db.session.scalars(
            select(Agreement).where(Agreement.partnership_id == partnership.id,
                                    Agreement.status.in_(REMEMBERED_AGREEMENTS), Agreement.signed_on.is_not(None))
            .order_by(Agreement.signed_on, Agreement.id)):
        if jubilee := next_jubilee(agreement.signed_on, as_of):
            found.append(Anniversary(jubilee[1], jubilee[0], partnership, agreement))
    return sorted(found, key=lambda a: (a.on, a.agreement is not None, a.subject_id))


def for_partnership(partnership: Partnership, as_of: date) -> dict:
    """Context for templates/governance/_partnership_reminders.html on the partnership's "Plan and review" section."""
    return {"next_anniversaries": next_anniversaries(partnership, as_of), "anniversaries_as_of": as_of}


def for_dashboard(partnership_ids, as_of: date) -> dict:
    """Context for templates/governance/_dashboard_reminders.html; partnership_ids: the dashboard's scope (a
    select of ids, or a list)."""
    months = anniversary_lead_months()
    ahead = upcoming_anniversaries(partnership_ids, as_of, months)
    return {"anniversaries_ahead": ahead[:DASHBOARD_LIMIT], "anniversaries_total": len(ahead),
            "anniversary_lead_months": months}


def for_digest(partnership_ids: list[int], as_of: date) -> list:
    """Items for the liaison digest; each has a partnership_id (it goes to that partnership's liaison).
    None: the digest's "coming up" list already holds the anniversaries of the next 30 days (the calendar's),
    and the reminders go in their own e-mail."""
    return []
