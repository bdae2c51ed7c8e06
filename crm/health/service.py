"""Health for one partnership or for the portfolio, ready for a page, the CLI or a PDF."""
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from markupsafe import Markup

from crm.health.charts import quarterly_chart
from crm.health.reasons import reason
from crm.health.rules import Activity, Flag, Health, evaluate, health, sort_by_attention  # noqa: F401
from crm.health.snapshot import portfolio_snapshot
from crm.partnerships.models import Partnership
from crm.settings.service import office_settings


@dataclass(frozen=True)
class PartnershipHealth:
    flag: Flag
    health: Health
    reason: str
    chart: Markup


def partnership_health(partnership: Partnership, as_of: date) -> PartnershipHealth:
    """From the portfolio's cached figures (crm.health.snapshot): no query once they are up to date."""
    snapshot = portfolio_snapshot(as_of)
    activity = snapshot.activities.get(partnership.id)
    if activity is None:  # archived partnerships are outside the aggregate
        activity = Activity(partnership.id, partnership.status,
                            partnership.established_on or partnership.created_at.date(),
                            partnership.threshold_months or office_settings().threshold_months,
                            home_city_id=partnership.home_city_id)
    flag = evaluate(activity, as_of)
    rows = snapshot.partnership_quarters(partnership.id)
    chart = quarterly_chart(rows, title=gettext("Engagements per quarter, last three years"))
    return PartnershipHealth(flag, health(activity, as_of), reason(flag, partnership.status.label, as_of), chart)
