"""The search box's queries: one per kind of record, scoped like its list page, best match first.

Matching is crm.matching's: a substring match with case and accents set aside
in any script, the one the list filters use. On PostgreSQL the GIN trigram
indexes serve it for three characters or more (shorter queries scan, which
stays fast at 100,000 engagements).

Ranking, in every group: an exact match, then a match at the start, then at
the start of a word, then anywhere; within each, the shortest text (the
closest match); then alphabetical, or the most recent engagement.
"""
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Select, case, func, or_, select, text
from sqlalchemy.orm import aliased, contains_eager, joinedload

from crm.cities.models import City
from crm.contacts.models import Contact, Organization
from crm.engagements.models import Engagement
from crm.extensions import db
from crm.forms import clean_text
from crm.matching import contains, equals, fold, line_equals, line_starts_with, query_text, starts_with, word_starts_with
from crm.partnerships.models import Partnership
from crm.partnerships.queries import visible_partnership_ids, visible_partnerships
from crm.settings.models import HomeCity

MAX_QUERY_LENGTH = 200
#: the groups of the results page, in the order shown
KINDS = ("partnerships", "cities", "contacts", "organizations", "engagements")
LINE = "\n"  # alternate city names are stored one a line


def clean_query(raw: str | None) -> str:
    """What the user typed, without control characters or runs of spaces, at most 200 characters."""
    text = " ".join(clean_text(raw or "").split())
    return text[:MAX_QUERY_LENGTH].rstrip()


def matches(columns, q: str):
    return contains(columns, q)


def rank(columns, q: str, lines=()):
    """0 exact, 1 starts with the query, 2 a word starts with it, 3 contains it.

    `lines` are columns holding one name a line (a city's alternate names):
    each line counts as a name of its own."""
    lines = list(lines)
    exact = or_(equals(columns, q), *([line_equals(lines, q)] if lines else []))
    starts = or_(starts_with(columns, q), *([line_starts_with(lines, q)] if lines else []))
    word = word_starts_with(list(columns) + lines, q)
    return case((exact, 0), (starts, 1), (word, 2), else_=3)


def closeness(columns, q: str):
    """The finer order within a rank: the shortest text first, since it holds the least besides q.

    For a substring match this orders nearly as pg_trgm's similarity() does (the
    query's trigrams over the text's), at a fraction of the cost: similarity()
    took 100 ms over the 12,000 titles a common word matches in 100,000."""
    return func.length(columns[0])


def partnerships(q: str) -> Select:
    """Partnerships whose partner city is called q, in any of its names; archived ones last."""
    partner = aliased(City)
    names = [partner.name, partner.native_name]
    return (
        visible_partnerships()
        .join(partner, Partnership.partner_city_id == partner.id)
        .where(matches(names + [partner.alternate_names], q))
        .options(contains_eager(Partnership.partner_city.of_type(partner)), joinedload(Partnership.home_city))
        .order_by(Partnership.archived_at.is_not(None), rank(names, q, lines=[partner.alternate_names]),
                  closeness(names, q), func.lower(partner.name), Partnership.id)
    )


def cities(q: str) -> Select:
    """Cities of the reader's partnerships (either side) called q, in any name or script."""
    names = [City.name, City.native_name]
    in_partnerships = or_(
        City.id.in_(visible_partnerships().with_only_columns(Partnership.partner_city_id)),
        City.id.in_(visible_partnerships().with_only_columns(Partnership.home_city_id)),
    )
    return (
        select(City)
        .where(in_partnerships, matches(names + [City.alternate_names], q))
        .order_by(rank(names, q, lines=[City.alternate_names]), closeness(names, q), func.lower(City.name), City.id)
    )


def contacts(q: str) -> Select:
    """Contacts by name, email or job title, as the contact list searches them."""
    columns = [Contact.name, Contact.email, Contact.job_title]
    return (
        select(Contact)
        .where(Contact.partnership_id.in_(visible_partnership_ids()), matches(columns, q))
        .options(joinedload(Contact.organization),
                 joinedload(Contact.partnership).joinedload(Partnership.partner_city))
        .order_by(rank(columns, q), closeness([Contact.name], q), func.lower(Contact.name), Contact.id)
    )


def organizations(q: str) -> Select:
    columns = [Organization.name]
    return (
        select(Organization)
        .where(Organization.partnership_id.in_(visible_partnership_ids()), matches(columns, q))
        .options(joinedload(Organization.partnership).joinedload(Partnership.partner_city))
        .order_by(rank(columns, q), closeness(columns, q), func.lower(Organization.name), Organization.id)
    )


def engagements(q: str) -> Select:
    """Engagements of every kind (trade missions, exchanges, projects too) by title; deleted
    ones are left out by the trash's loader criteria; the most recent first among equals."""
    columns = [Engagement.title]
    return (
        select(Engagement)
        .where(Engagement.partnership_id.in_(visible_partnership_ids()), matches(columns, q))
        .options(joinedload(Engagement.partnership).joinedload(Partnership.partner_city))
        .order_by(rank(columns, q), closeness(columns, q), Engagement.occurred_on.desc(), Engagement.id.desc())
    )


QUERIES = {"partnerships": partnerships, "cities": cities, "contacts": contacts,
           "organizations": organizations, "engagements": engagements}


@dataclass
class CityResult:
    city: City
    #: the reader's partnerships with this city as the partner city
    partnerships: list[Partnership] = field(default_factory=list)
    #: one of the office's home cities (its partnerships are a filter of the list away)
    is_home: bool = False


def with_partnerships(found: list[City]) -> list[CityResult]:
    """Each city with the reader's partnerships it is the partner city of (two queries in all)."""
    ids = [city.id for city in found]
    results = {city.id: CityResult(city) for city in found}
    if not ids:
        return []
    rows = db.session.scalars(
        visible_partnerships().where(Partnership.partner_city_id.in_(ids))
        .options(joinedload(Partnership.home_city))
        .order_by(Partnership.archived_at.is_not(None), Partnership.established_on, Partnership.id)
    )
    for partnership in rows:
        results[partnership.partner_city_id].partnerships.append(partnership)
    for city_id in db.session.scalars(select(HomeCity.city_id).where(HomeCity.city_id.in_(ids))):
        results[city_id].is_home = True
    return [results[city_id] for city_id in ids]


@dataclass
class Group:
    kind: str
    items: list
    #: more matches than shown
    more: bool


def search(q: str, limit: int = 10) -> list[Group]:
    """Every kind's best `limit` matches, in the order of KINDS; empty groups included."""
    groups = []
    with trigram_indexes_taken(q):
        for kind in KINDS:
            rows = list(db.session.scalars(QUERIES[kind](q).limit(limit + 1)).unique())
            items = rows[:limit]
            groups.append(Group(kind, with_partnerships(items) if kind == "cities" else items, len(rows) > limit))
    return groups


@contextmanager
def trigram_indexes_taken(q: str):
    """On PostgreSQL, the search's statements use the trigram indexes whenever the query has a trigram.

    The planner prices a GIN scan for a regular expression of character classes (the accent-blind match) far
    above its real cost and a regular expression on every row far below its real cost, so it reads the whole
    table instead: 80–140 ms over 500,000 engagement titles where the index answers in 2 ms. Pricing
    operators as what they cost here (a regular expression is not a comparison of two integers) for the search's
    own statements lets it choose the index. Below three characters there is no trigram, and the scan is the
    right plan."""
    if db.session.get_bind().dialect.name != "postgresql" or len(query_text(q)) < 3:
        yield
        return
    db.session.execute(text("SET LOCAL cpu_operator_cost = 0.25"))
    try:
        yield
    finally:
        db.session.execute(text("SET LOCAL cpu_operator_cost TO DEFAULT"))


def matching_name(text: str | None, q: str, *shown) -> str | None:
    """The line of a newline-separated list (a city's alternate names) that contains q,
    other than the names already shown; the exact one if there is one."""
    folded = query_text(q)
    lines = [line.strip() for line in (text or "").split(LINE) if folded in fold(line) and line.strip() not in shown]
    return next((line for line in lines if fold(line) == folded), lines[0] if lines else None)
