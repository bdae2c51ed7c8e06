"""What is coming up: the upcoming view and each user's iCalendar feed."""
from datetime import date
from itertools import groupby

from babel.dates import format_skeleton
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import GUESTS, PUBLIC, STAFF, allow
from crm.calendar.feed import DAYS_AHEAD, DAYS_BACK, build_feed
from crm.calendar.forms import MonthFilterForm
from crm.calendar.month import add_months, by_day, month_events, month_key, parse_month
from crm.calendar.queries import feed_scope
from crm.calendar.tokens import has_feed, issue_feed_token, revoke_feed_token, user_for_feed_token
from crm.calendar.upcoming import UpcomingEvent, upcoming_events
from crm.clock import office_today
from crm.downloads import content_disposition
from crm.extensions import db
from crm.forms import ConfirmForm
from crm.links import public_url_for
from crm.partnerships.models import Partnership
from crm.partnerships.queries import visible_partnership_ids

bp = Blueprint("calendar", __name__)

UPCOMING_DAYS = 90
# The new feed URL crosses the redirect in the session (signed, HttpOnly,
# and no more secret than the session itself) and is popped on first view.
NEW_FEED_URL = "calendar_new_feed_url"

Days = list[tuple[date, list[UpcomingEvent]]]


def partnership_page(partnership_id: int) -> str:
    return public_url_for("partnerships.detail", partnership_id=partnership_id)


def by_month(events: list[UpcomingEvent]) -> list[tuple[str, Days]]:
    """Events grouped under a month heading ("March 2026" in the reader's language), then by day."""
    months = []
    for month, in_month in groupby(events, key=lambda e: e.listed_on.replace(day=1)):
        days = [(day, list(on_day)) for day, on_day in groupby(in_month, key=lambda e: e.listed_on)]
        months.append((format_skeleton("yMMMM", month, locale=get_locale()), days))
    return months


@bp.get("/calendar/")
@allow(STAFF)
def upcoming():
    today = office_today()
    events = upcoming_events(visible_partnership_ids(), today, UPCOMING_DAYS, include_staff_only=current_user.is_staff,
                             jubilees=True)
    new_feed_url = session.pop(NEW_FEED_URL, None)
    response = Response(render_template(
        "calendar/upcoming.html", months=by_month(events), today=today, days=UPCOMING_DAYS,
        has_feed=has_feed(current_user), new_feed_url=new_feed_url, feed_days_back=DAYS_BACK,
        feed_days_ahead=DAYS_AHEAD))
    if new_feed_url:
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/calendar/month")
@allow(STAFF, GUESTS)
def month():
    """One month, day by day (?month=YYYY-MM; the office's month by default), filtered by partnership and kind.

    Guests see their own partnerships and what is shared with them; their links go to the portal."""
    today = office_today()
    asked = request.args.get("month")
    first = parse_month(asked) if asked else today.replace(day=1)
    if first is None:
        abort(404)
    form = MonthFilterForm()
    scope = visible_partnership_ids()
    if partnership_id := form.value("partnership"):
        scope = scope.where(Partnership.id == partnership_id)
    events = month_events(scope, first, today, include_staff_only=current_user.is_staff, kind=form.value("kind"))
    filters = {name: request.args[name] for name in ("partnership", "kind") if request.args.get(name)}
    return render_template(
        "calendar/month.html", form=form, days=by_day(events), today=today, first=first,
        title=format_skeleton("yMMMM", first, locale=get_locale()), month=month_key(first),
        previous=month_key(add_months(first, -1)), next=month_key(add_months(first, 1)),
        this_month=month_key(today), filters=filters)


@bp.post("/calendar/feed")
@allow(STAFF)
def create_feed():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    replacing = has_feed(user)
    token = issue_feed_token(user)
    db.session.commit()
    session[NEW_FEED_URL] = public_url_for(".feed", token=token)
    if replacing:
        flash(_("Your calendar feed has a new address. The old address no longer works."), "success")
    else:
        flash(_("Your calendar feed is ready."), "success")
    return redirect(url_for(".upcoming", _anchor="feed"))


@bp.post("/calendar/feed/revoke")
@allow(STAFF)
def revoke_feed():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    revoke_feed_token(current_user._get_current_object())
    db.session.commit()
    session.pop(NEW_FEED_URL, None)
    flash(_("Your calendar feed was stopped. Calendar programs subscribed to it get nothing more."), "success")
    return redirect(url_for(".upcoming", _anchor="feed"))


@bp.get("/calendar/feed/<token>.ics")
@allow(PUBLIC)  # calendar programs cannot sign in: the token in the URL is the credential
def feed(token: str):
    owner = user_for_feed_token(token)
    if owner is None:
        abort(404)
    # Guests cannot open staff partnership pages, so their events carry no link.
    link = partnership_page if owner.is_staff else None
    body = build_feed(owner, feed_scope(owner), office_today(), link=link)
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = content_disposition("sister-city-crm.ics", inline=True)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
