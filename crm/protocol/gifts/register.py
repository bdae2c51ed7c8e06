"""The published gift register (issue 22 §4): the gifts of a year at or above the office's threshold, received
then given, as CSV and PDF, for anyone (the office publishes it).

Only public columns are ever read: the date, from and to as recorded for publication (an office, a city, an
official's title and name), the partner city, the description, the estimated value and where the gift is now;
never a contact's e-mail, phone, address or notes, the occasion's staff-only title, who recorded it or the photo.
The query skips the guest scope (crm.access.SKIP_GUEST_SCOPE): a signed-in guest reads the same published register as an
anonymous visitor, while the guest scope keeps hiding every staff page's gifts from them."""
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from flask import render_template
from flask_babel import force_locale, lazy_pgettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from crm.access import SKIP_GUEST_SCOPE
from crm.cities.models import City
from crm.documents.render import page_label
from crm.enums import GiftDirection, GiftDisposition
from crm.exports.writers import Column, money
from crm.extensions import db
from crm.languages import direction, html_lang, name_lang
from crm.partnerships.models import Partnership
from crm.protocol.gifts.queries import covered_filter
from crm.protocol.gifts.rules import GiftRule
from crm.protocol.models import Gift
from crm.settings.service import stored_office_settings

#: a year the register may be asked for (?year=): the office's records, not the distant past or future
FIRST_YEAR, LAST_YEAR = 1950, 2200


@dataclass(frozen=True)
class RegisterRow:
    direction: GiftDirection
    given_on: date
    from_name: str
    to_name: str
    city: str | None  #: the partner city's name
    city_native: str | None
    description: str
    value_minor: int | None
    currency: str | None
    disposition: GiftDisposition | None
    city_lang: str | None = None  #: the language of the city's own name, for its glyph forms in the PDF


def register_rows(year: int, rule: GiftRule) -> list[RegisterRow]:
    """The year's covered gifts, received first, then given, each by date."""
    query = (select(Gift.direction, Gift.given_on, Gift.from_name, Gift.to_name, City.name, City.native_name,
                    Gift.description, Gift.value_minor, Gift.currency, Gift.disposition, City.native_name_lang,
                    City.country_code)
             .outerjoin(Partnership, Gift.partnership_id == Partnership.id)
             .outerjoin(City, Partnership.partner_city_id == City.id)
             .where(Gift.given_on >= date(year, 1, 1), Gift.given_on <= date(year, 12, 31), covered_filter(rule))
             .order_by(Gift.direction.desc(), Gift.given_on, Gift.id)  # "received" sorts after "given"
             .execution_options(**{SKIP_GUEST_SCOPE: True}))
    rows = []
    for *values, native_lang, country in db.session.execute(query):
        city = SimpleNamespace(native_name=values[5], native_name_lang=native_lang, country_code=country)
        rows.append(RegisterRow(*values, city_lang=name_lang(city)))
    return rows


def received(rows: list[RegisterRow]) -> list[RegisterRow]:
    return [row for row in rows if row.direction == GiftDirection.RECEIVED]


def given(rows: list[RegisterRow]) -> list[RegisterRow]:
    return [row for row in rows if row.direction == GiftDirection.GIVEN]


def _city(row: RegisterRow) -> str | None:
    if row.city and row.city_native and row.city_native != row.city:
        return f"{row.city} ({row.city_native})"
    return row.city


#: the CSV's columns, headed in the reader's language
COLUMNS = [
    Column(_l("Direction"), lambda row: row.direction),
    Column(_l("Date"), lambda row: row.given_on, 12),
    Column(lazy_pgettext("gift", "From"), lambda row: row.from_name, 30),
    Column(lazy_pgettext("gift", "To"), lambda row: row.to_name, 30),
    Column(_l("Partner city"), _city, 24),
    Column(_l("Description"), lambda row: row.description, 50),
    Column(_l("Estimated value"), lambda row: money(row.value_minor, row.currency), 16),
    Column(_l("Currency"), lambda row: row.currency if row.value_minor is not None else None, 10),
    Column(_l("Where it is now"), lambda row: row.disposition, 24),
]

def office_name() -> str:
    settings = stored_office_settings()
    return settings.office_name if settings is not None else "Office of International Affairs"


def register_html(year: int, rule: GiftRule, rows: list[RegisterRow], language: str, today: date) -> str:
    """The register's printable HTML in a language (the reader's)."""
    with force_locale(language):
        return render_template("gifts/register_pdf.html", year=year, rule=rule, received=received(rows),
                               given=given(rows), office_name=office_name(), today=today, lang=html_lang(language),
                               dir=direction(language), page_label=page_label(language))
