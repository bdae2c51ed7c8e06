"""A city's own name (東京, חיפה, কলকাতা): where it came from, and staff's confirmation of it.

A name from the gazetteer's data (crm.cities.gazetteer) is a proposal: staff confirm it, or correct it,
before it is printed on an agreement. A confirmation holds for the name it was given to: a name changed
any other way than by a staff member confirming or correcting it is unconfirmed again. These functions
flush; the request or command commits.
"""
from dataclasses import dataclass

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from crm.auth.models import User
from crm.cities.gazetteer import gazetteer
from crm.cities.models import City
from crm.clock import utcnow
from crm.extensions import db
from crm.languages import language_label

#: where a native name came from (City.native_name_source)
SOURCES = ("cldr", "geonames", "staff", "guess")


def set_native_name(city: City, name: str | None, lang: str | None, source: str | None,
                    confirmed_by: User | None = None) -> None:
    """Give the city a native name. Confirmed when a staff member gives or confirms it (confirmed_by);
    otherwise a changed name loses its confirmation (an unchanged one keeps it)."""
    changed = (name, lang) != (city.native_name, city.native_name_lang)
    city.native_name, city.native_name_lang, city.native_name_source = name or None, lang or None, source
    if confirmed_by is not None:
        confirm(city, confirmed_by)
    elif changed:
        city.native_name_confirmed_at = city.native_name_confirmed_by_id = None
    db.session.flush()


def confirm(city: City, user: User) -> None:
    """The staff member says the city's native name (or its having none) is right."""
    city.native_name_confirmed_at = utcnow()
    city.native_name_confirmed_by_id = user.id


def correct(city: City, name: str | None, lang: str | None, user: User) -> None:
    """A staff member wrote the native name (the edit form): it is theirs, and confirmed by them."""
    set_native_name(city, name, lang, "staff" if name else None, confirmed_by=user)


def is_confirmed(city: City) -> bool:
    return city.native_name_confirmed_at is not None


def needs_confirmation(city: City) -> bool:
    """A native name that will be printed and no staff member has confirmed yet."""
    return bool(city.native_name) and not is_confirmed(city)


@dataclass(frozen=True)
class NativeNameState:
    confirmed: bool
    text: str  #: "Confirmed by Ana Ruiz on 3 March 2026" / "Not confirmed: from GeoNames (Hebrew)"


def source_label(source: str | None, lang: str | None) -> str:
    """Where an unconfirmed native name came from, in the reader's language."""
    language = language_label(lang.replace("-", "_")) if lang else None
    if source == "geonames":
        return _("from GeoNames (%(language)s)", language=language) if language else _("from GeoNames")
    if source == "cldr":
        return (_("from the Unicode CLDR (%(language)s)", language=language) if language
                else _("from the Unicode CLDR"))
    if source == "guess":
        return _("guessed from GeoNames' other names for the city")
    return _("entered by hand")


def unconfirmed_state(source: str | None, lang: str | None) -> NativeNameState:
    return NativeNameState(False, _("Not confirmed: %(source)s", source=source_label(source, lang)))


def state(city: City) -> NativeNameState | None:
    """What the city page says about the native name; None when the city has none to confirm."""
    if not city.native_name:
        return None
    if not is_confirmed(city):
        return unconfirmed_state(city.native_name_source, city.native_name_lang)
    who = db.session.get(User, city.native_name_confirmed_by_id) if city.native_name_confirmed_by_id else None
    when = format_date(city.native_name_confirmed_at, "long")  # the day in the reader's time zone
    return NativeNameState(True, _("Confirmed by %(name)s on %(date)s", name=who.name, date=when) if who
                           else _("Confirmed on %(date)s", date=when))


def refresh(dry_run: bool = False) -> list[tuple[City, str | None, str | None]]:
    """Give every gazetteer city whose native name no staff member confirmed the name the gazetteer's data
    has now: [(city, old name, new name)] for those that changed. Confirmed names are left alone."""
    places = gazetteer()
    changes = []
    for city in db.session.scalars(select(City).where(City.geonames_id.is_not(None),
                                                      City.native_name_confirmed_at.is_(None)).order_by(City.id)):
        entry = places.get(city.geonames_id)
        if entry is None:
            continue
        native = entry.native
        new = (native.name, native.lang, native.source) if native else (None, None, None)
        if new != (city.native_name, city.native_name_lang, city.native_name_source):
            changes.append((city, city.native_name, new[0]))
            if not dry_run:
                set_native_name(city, *new)
    return changes

