"""Turning a choice in the city picker into a City row.

The gazetteer is read here from its index on disk (crm.cities.gazetteer_index), never loaded into the
web worker's memory: the same cities, found and ranked as the in-memory gazetteer would."""
from flask_babel import pgettext
from sqlalchemy import or_, select

from crm.cities.gazetteer import GazetteerCity
from crm.cities.gazetteer_index import gazetteer_index
from crm.cities.models import City
from crm.cities.native import unconfirmed_state
from crm.database import MAX_ID
from crm.extensions import db
from crm.matching import equals, fold, line_starts_with, query_text, starts_with


def city_from_gazetteer(entry: GazetteerCity) -> City:
    """The City for a gazetteer entry, added to the database on first use."""
    city = db.session.scalar(select(City).where(City.geonames_id == entry.geonames_id))
    if city is None:
        native = entry.native
        city = City(
            name=entry.name, native_name=native.name if native else None,
            native_name_lang=native.lang if native else None, native_name_source=native.source if native else None,
            country_code=entry.country_code,
            population=entry.population, latitude=entry.latitude, longitude=entry.longitude,
            timezone=entry.timezone, geonames_id=entry.geonames_id, region=entry.region,
            alternate_names="\n".join(entry.alternate_names),
        )
        db.session.add(city)
        db.session.flush()
    return city


def resolve_city(reference: str | None, typed_name: str | None = None) -> City | None:
    """A picker reference ("city:12" or "gn:1857910"), or failing that a typed name
    that matches exactly one known city or a gazetteer city by name. The city picker's field
    (crm.cities.fields) passes a reference only: a name typed and not chosen is never guessed."""
    kind, _sep, key = (reference or "").partition(":")
    if key.isdigit() and int(key) <= MAX_ID:
        if kind == "city":
            return db.session.get(City, int(key))
        if kind == "gn" and (entry := gazetteer_index().get(int(key))) is not None:
            return city_from_gazetteer(entry)
    name = (typed_name or "").strip()
    if not name:
        return None
    known = list(db.session.scalars(
        select(City).where(equals([City.name, City.native_name], name)).limit(2)
    ))
    if len(known) == 1:
        return known[0]
    matches = gazetteer_index().search(name, limit=1)
    if matches and query_text(name) in {fold(n) for n in (matches[0].name, *matches[0].alternate_names)}:
        return city_from_gazetteer(matches[0])
    return None


def lookup(query: str, limit: int = 10) -> list[dict]:
    """Picker suggestions: cities already in use first, then the gazetteer; a name, in any of its
    spellings and scripts, starting with the query, case and accents set aside (crm.matching). Each says
    its region and population, so that cities of one name (the five Springfields) can be told apart."""
    query = query.strip()
    if len(query) < 2:
        return []
    known = list(db.session.scalars(
        select(City).where(or_(starts_with([City.name, City.native_name], query),
                               line_starts_with(City.alternate_names, query)))
        .order_by(City.population.desc().nulls_last()).limit(limit)
    ))
    places = gazetteer_index()
    entries = places.get_many(city.geonames_id for city in known if city.geonames_id)
    results = []
    for city in known:
        entry = entries.get(city.geonames_id) if city.geonames_id else None
        results.append(_suggestion(f"city:{city.id}", city, city.region or (entry.region if entry else None)))
    seen = {c.geonames_id for c in known if c.geonames_id}
    for entry in places.search(query, limit=limit):
        if entry.geonames_id not in seen and len(results) < limit:
            results.append(_suggestion(f"gn:{entry.geonames_id}", entry, entry.region))
    return results


def _suggestion(reference, city, region):
    from crm.i18n import country_name

    if isinstance(city, City):
        confirmed = city.native_name_confirmed_at is not None
        source, lang = city.native_name_source, city.native_name_lang
    else:  # a gazetteer entry: its name is a proposal until staff confirm it
        native = city.native
        confirmed, source, lang = False, native.source if native else None, native.lang if native else None
    return {"ref": reference, "name": city.name, "native_name": city.native_name or "",
            "native_name_lang": lang or "", "native_name_confirmed": confirmed,
            "native_name_state": native_name_note(city.native_name, confirmed, source, lang),
            "region": region or "", "country": country_name(city.country_code), "country_code": city.country_code,
            "population": city.population, "latitude": city.latitude, "longitude": city.longitude}


def native_name_note(name: str | None, confirmed: bool, source: str | None, lang: str | None) -> str:
    """The picker's word on a suggestion's own name: confirmed by staff, or where it came from."""
    if not name:
        return ""
    return pgettext("native name", "confirmed") if confirmed else unconfirmed_state(source, lang).text
