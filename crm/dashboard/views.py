from datetime import date

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from crm.access import STAFF, allow
from crm.agreements.models import Agreement
from crm.agreements.queries import WITH_PARTNERSHIP, expiring_filter
from crm.calendar.upcoming import upcoming_events
from crm.extensions import db
from crm.outcomes import outcome_totals
from crm.partnerships.queries import visible_partnership_ids

bp = Blueprint("dashboard", __name__)


@bp.get("/dashboard")
@allow(STAFF)
def index():
    today = date.today()
    expiring = db.session.scalars(
        select(Agreement).where(Agreement.partnership_id.in_(visible_partnership_ids()), *expiring_filter(today))
        .options(*WITH_PARTNERSHIP).order_by(Agreement.expires_on)
    ).all()
    return render_template("dashboard/index.html", expiring=expiring, today=today,
                           upcoming=upcoming_events(visible_partnership_ids(), today, days=30,
                                                    include_staff_only=current_user.is_staff))


@bp.get("/portfolio")
@allow(STAFF)
def portfolio():
    return render_template("dashboard/portfolio.html", totals=outcome_totals())
