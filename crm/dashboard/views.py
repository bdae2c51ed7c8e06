from collections import Counter
from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import STAFF, allow
from crm.clock import office_today
from crm.dashboard.forms import PartnerMailForm, SeenForm
from crm.dashboard.partner_activity import last_looked, mark_seen, partner_news, partnerships_with_partner_news
from crm.dashboard.queries import (
    dashboard_scope,
    expiring_agreements,
    in_order_of,
    upcoming_programs,
    visible_current,
    with_cities,
)
from crm.extensions import db
from crm.governance.page import dashboard_section
from crm.protocol.page import dashboard_section as protocol_dashboard
from crm.governance.plans.section import portfolio_counts as plan_counts
from crm.health.charts import by_quarter, quarterly_chart
from crm.health.pillars import pillar_chart, pillar_counts
from crm.health.queries import monthly_counts
from crm.health.rules import HealthState
from crm.health.snapshot import portfolio_snapshot
from crm.maps.queries import partner_cities
from crm.maps.service import HOMES_LIMIT, dashboard_map_ids, portfolio_map
from crm.partnerships.models import PartnershipStatus
from crm.partnerships.queries import visible_partnership_ids
from crm.programs.outcomes import outcome_totals
from crm.settings.service import MANY_HOME_CITIES, home_city_rows

bp = Blueprint("dashboard", __name__)
bp.add_app_template_global(partnerships_with_partner_news)
ATTENTION_LIMIT = 25


@bp.get("/dashboard")
@allow(STAFF)
def index():
    today = office_today()
    homes = home_city_rows()
    names = {row.id: row.name for row in homes}
    wanted_name = (request.args.get("home_name") or "").strip().casefold()
    home = request.args.get("home", type=int) or next(
        (city_id for city_id, name in names.items() if wanted_name and name.casefold() == wanted_name), None)
    home = home if home in names else None
    scope = dashboard_scope(home)
    snapshot = portfolio_snapshot(today)
    visible = visible_current(scope, snapshot, whole_portfolio=home is None and current_user.is_staff)
    portfolio = {pid: a for pid, a in snapshot.activities.items() if pid in visible}
    flags = {pid: flag for pid, flag in snapshot.flags.items() if pid in visible}
    attention_ids = [pid for pid in snapshot.by_attention if pid in flags and flags[pid].needs_attention]
    attention = [(partnership, flags[partnership.id]) for partnership in with_cities(attention_ids[:ATTENTION_LIMIT])]
    expiring = expiring_agreements(scope, today)
    upcoming = upcoming_programs(scope, today, 30, include_staff_only=current_user.is_staff)
    news = partner_news(dashboard_scope(None), last_looked(current_user))
    quarters = snapshot.quarters if home is None else by_quarter(monthly_counts(today, partnership_ids=scope), today)
    chart = quarterly_chart(quarters, title=_("Engagements per quarter across the portfolio, last three years"))
    counts = (snapshot.pillar_totals if home is None
              else pillar_counts(today, partnership_ids=scope))
    pillars = pillar_chart(counts, id_prefix="portfolio-pillars",  # none when there is nothing to draw
                           title=_("Substantive engagements per pillar across the portfolio")) if any(
        three_years for _recent, three_years in counts.values()) else None
    map_homes = [row for row in homes if home in (None, row.id)]
    map_homes = map_homes if len(map_homes) <= HOMES_LIMIT else []
    drawn, map_left_out = dashboard_map_ids([pid for pid in snapshot.by_attention if pid in visible])
    world_map = portfolio_map(in_order_of(partner_cities(drawn), drawn), flags, map_homes, today)
    return render_template(
        "dashboard/index.html", today=today, attention=attention,
        attention_total=len(attention_ids), expiring=expiring, upcoming=upcoming, chart=chart,
        pillars=pillars, world_map=world_map, map_left_out=map_left_out,
        by_health=Counter(flag.state for flag in flags.values()),
        by_status=Counter(activity.status for activity in portfolio.values()),
        states=list(HealthState), statuses=list(PartnershipStatus), homes=homes, home=home,
        many_homes=len(homes) > MANY_HOME_CITIES, home_name=names.get(home, ""),
        news=news, news_ids={item.partnership_id for item in news},
        seen_form=SeenForm(formdata=None, until=news[0].at.isoformat() if news else ""),
        governance=dashboard_section(scope, today), protocol=protocol_dashboard(scope, today),
        mail_form=PartnerMailForm(formdata=None, partner_news_mail=current_user.partner_news_mail),
    )


@bp.post("/dashboard/partner-news/seen")
@allow(STAFF)
def mark_partner_news_seen():
    form = SeenForm()
    if form.validate_on_submit():
        try:
            until = datetime.fromisoformat(form.until.data or "")
        except ValueError:
            until = None
        mark_seen(current_user, until if until and until.tzinfo else None)
        db.session.commit()
        flash(_("Marked as seen. New activity from partners will show here."), "success")
    return redirect(url_for(".index", _anchor="partner-news"))


@bp.post("/dashboard/partner-news/mail")
@allow(STAFF)
def partner_news_mail():
    form = PartnerMailForm()
    if form.validate_on_submit():
        current_user.partner_news_mail = form.partner_news_mail.data
        db.session.commit()
        flash(_("Your choice was saved."), "success")
    else:
        flash(_("Choose how you want to hear of it."), "error")
    return redirect(url_for(".index", _anchor="partner-news"))


@bp.get("/portfolio")
@allow(STAFF)
def portfolio():
    return render_template("dashboard/portfolio.html", totals=outcome_totals(),
                           plans=plan_counts(visible_partnership_ids(), office_today()))
