"""What the public pages show (issue 23 §1), built only from crm.public.queries and the office's choice of public
fields: the directory (map, search, list, latest highlights), a partnership's page and a highlight's page.

Nothing here reads a staff-only column: a partnership's notes, an engagement's notes, contacts, interpreters and
the roster's names never reach a template; the roster gives counts per country, the itinerary titles, places
and local times."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select
from sqlalchemy.orm import joinedload, selectin_polymorphic

from crm.cities.models import City
from crm.engagements.models import Engagement
from crm.extensions import db
from crm.health.rules import HealthState
from crm.i18n import country_name
from crm.maps.points import MapPoint, city_name, home_points
from crm.maps.svg import world_map_svg
from crm.matching import contains, fold
from crm.partnerships.models import Partnership
from crm.programs.exchanges.models import Exchange
from crm.programs.missions.itinerary import itinerary_days
from crm.programs.missions.models import TradeMission
from crm.programs.projects.models import JointProject
from crm.protocol.rosters.counts import counts, host_city
from crm.public import queries
from crm.settings.public_fields import DEFAULT_PUBLIC_FIELDS, public_fields
from crm.settings.service import home_city_rows, stored_office_settings

#: the dots' one colour on the public map (the app's blue; no health is shown)
MAP_COLOUR = "#3a44a8"
#: highlights on the index, and on a partnership's page
LATEST_HIGHLIGHTS = 6
PARTNERSHIP_HIGHLIGHTS = 30
#: partnerships a page of the directory lists
PER_PAGE = 20
PLACE = _l("%(city)s, %(country)s")


def shown_fields() -> frozenset[str]:
    """The fields the office publishes; read without creating the settings row (a GET never writes)."""
    settings = stored_office_settings()
    return public_fields(settings) if settings is not None else frozenset(DEFAULT_PUBLIC_FIELDS)


def office() -> dict:
    """The office's name and its home cities, for the directory's heading."""
    settings = stored_office_settings()
    return {"name": settings.office_name if settings is not None else None, "homes": home_city_rows()}


def country_codes_named(q: str) -> list[str]:
    """Country codes whose name, in the reader's language or in English, contains q (folded)."""
    wanted = fold(q)
    if not wanted:
        return []
    codes = set()
    for territories in (get_locale().territories, Locale.parse("en").territories):
        codes.update(code for code, name in territories.items()
                     if len(code) == 2 and code.isalpha() and wanted in (fold(name) or ""))
    return sorted(codes)


def directory(q: str = "") -> Select:
    """The public partnerships matching the search: a city in any of its names, or a country by name."""
    statement = queries.published_partnerships()
    if q:
        codes = country_codes_named(q)
        partner = db.aliased(City)
        home = db.aliased(City)
        statement = (statement.join(partner, partner.id == Partnership.partner_city_id)
                     .join(home, home.id == Partnership.home_city_id))
        condition = contains([partner.name, partner.native_name, partner.alternate_names, home.name,
                              home.native_name], q)
        if codes:
            condition = condition | partner.country_code.in_(codes) | home.country_code.in_(codes)
        statement = statement.where(condition)
    return statement


def directory_map(title: str) -> object:
    """The world map of every public partner city (no health, no reasons: a place and a link)."""
    pattern = str(PLACE)
    points = []
    for partnership in db.session.scalars(queries.published_partnerships()).unique():
        city = partnership.partner_city
        if city.latitude is None or city.longitude is None:
            continue
        place = pattern % {"city": city_name(city.name, city.native_name), "country": country_name(city.country_code)}
        points.append(MapPoint(partnership.id, city.latitude, city.longitude, HealthState.NOT_EVALUATED, place))
    homes = home_points(home_city_rows())
    svg = world_map_svg(points, homes, title=title, id_prefix="public-map", link_endpoint="public.partnership",
                        plain_colour=MAP_COLOUR)
    return {"svg": svg, "shown": len(points)}


def _with_programs(statement: Select) -> Select:
    """Highlights with their program's columns (end dates, direction) loaded in one query per kind present."""
    return statement.options(selectin_polymorphic(Engagement, [TradeMission, Exchange, JointProject]))


def latest_highlights(limit: int = LATEST_HIGHLIGHTS) -> list[Engagement]:
    statement = (_with_programs(queries.published_highlights()).limit(limit)
                 .options(joinedload(Engagement.partnership).joinedload(Partnership.partner_city)))
    return list(db.session.scalars(statement).unique())


@dataclass
class Highlight:
    """A highlight as a card: the engagement, its end date (if its kind has one) and its photo's id if the
    photo may be shown."""
    engagement: Engagement
    ends_on: date | None
    photo_id: int | None


def highlight_cards(engagements: list[Engagement]) -> list[Highlight]:
    photos = queries.published_photo_ids([e.public_photo_id for e in engagements if e.public_photo_id])
    return [Highlight(e, end_date(e), e.public_photo_id if e.public_photo_id in photos else None)
            for e in engagements]


def end_date(engagement: Engagement) -> date | None:
    ends_on = getattr(engagement, "ends_on", None)
    return ends_on if ends_on and ends_on != engagement.occurred_on else None


@dataclass
class PartnershipPage:
    partnership: Partnership
    fields: frozenset
    agreements: list = field(default_factory=list)
    highlights: list = field(default_factory=list)


def partnership_page(partnership: Partnership, fields: frozenset) -> PartnershipPage:
    page = PartnershipPage(partnership, fields)
    if "agreements" in fields:
        page.agreements = list(db.session.scalars(queries.published_agreements([partnership.id])))
    if "highlights" in fields:
        statement = _with_programs(queries.published_highlights([partnership.id])).limit(PARTNERSHIP_HIGHLIGHTS)
        page.highlights = highlight_cards(list(db.session.scalars(statement).unique()))
    return page


@dataclass
class ProgrammeDay:
    day: date | None
    number: int
    items: list = field(default_factory=list)  #: (start, end, title, location) for a mission's itinerary
    text: str | None = None  #: a day's paragraph of the public programme


def programme(engagement: Engagement) -> list[ProgrammeDay]:
    """The programme by day: a trade mission's itinerary by local day (title, place, local times only), else the
    public programme's paragraphs, one a day from the first day."""
    if isinstance(engagement, TradeMission) and engagement.itinerary:
        return [ProgrammeDay(day, number, [(row.local_start, row.local_end, row.item.title, row.item.location)
                                           for row in rows])
                for number, (day, rows) in enumerate(itinerary_days(engagement.itinerary, None), start=1)]
    paragraphs = [part.strip() for part in (engagement.public_programme or "").replace("\r\n", "\n").split("\n\n")]
    paragraphs = [part for part in paragraphs if part]
    if len(paragraphs) == 1 and "\n" in paragraphs[0]:  # one paragraph a line
        paragraphs = [line.strip() for line in paragraphs[0].split("\n") if line.strip()]
    last = end_date(engagement)
    days = []
    for number, text in enumerate(paragraphs, start=1):
        day = engagement.occurred_on + timedelta(days=number - 1)
        days.append(ProgrammeDay(day if last is None or day <= last else None, number, text=text))
    if last is None and len(days) > 1:  # a one-day kind with several paragraphs: parts, not dates
        for programme_day in days[1:]:
            programme_day.day = None
    return days


@dataclass
class HighlightPage:
    engagement: Engagement
    partnership: Partnership
    host: City
    ends_on: date | None
    photo_id: int | None
    participants: object | None  #: RosterCounts, when the office publishes them and the roster names anyone
    days: list


def highlight_page(engagement: Engagement, fields: frozenset) -> HighlightPage:
    participants = None
    if "participants" in fields:
        participants = counts(engagement)
        if not participants.total:
            participants = None
    photo_ids = queries.published_photo_ids([engagement.public_photo_id]) if engagement.public_photo_id else set()
    return HighlightPage(engagement, engagement.partnership, host_city(engagement), end_date(engagement),
                         engagement.public_photo_id if engagement.public_photo_id in photo_ids else None,
                         participants, programme(engagement))
