"""The HTML of a printed agreement: an instrument a city signs.

A letterhead with both cities (their names in both scripts, their emblems) and the issuing office; each
text under its own title, in its own language and direction, its articles set as headings; side by side,
the two texts paired article by article (crm.documents.structure); the closing line and the signature
blocks in each text's language, with the document phrases of crm.documents.phrases and dates from CLDR.
"""
import re
import unicodedata
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from flask import current_app, render_template
from markupsafe import Markup, escape

from crm.agreements.forms import country_language
from crm.agreements.models import Agreement, AgreementText, Signatory
from crm.cities.models import City
from crm.documents.phrases import page_label_css, phrase, phrase_markup
from crm.documents.render import long_date
from crm.documents.structure import Paragraph, Row, Section, parse, side_by_side
from crm.i18n import LANGUAGES
from crm.languages import direction, html_lang, name_lang
from crm.settings.models import OfficeSettings
from crm.settings.service import stored_office_settings

#: what reads left to right in any text: e-mail addresses, web addresses and phone numbers ("+20 2 2795 7000"
#: must not print as "7000 2795 2 20+" in an Arabic paragraph)
LEFT_TO_RIGHT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://[^\s<>]*[^\s<>.,;:!?)]|\+?\(?[0-9][0-9 ().\-/]{5,}[0-9]")
MARKS = "\u200e\u200f\u061c"  #: left-to-right, right-to-left and Arabic letter marks
#: a row side by side longer than this (about 25 lines of a column) may break across pages; shorter ones never do
ROW_KEPT_WHOLE = 1100
#: lang attributes that name a hyphenation dictionary WeasyPrint (pyphen) has: Norwegian is written Bokmål
HYPHENATION_LANG = {"no": "nb"}


@dataclass
class Party:
    """A city as the letterhead shows it."""
    city: City
    native_lang: str | None  #: the lang of its native name
    emblem_url: str | None
    emblem_alt: str


@dataclass
class SignatureBlock:
    """One side's signatures in one language: "For the City of …", then each signatory."""
    side: str
    caption: Markup
    signatories: list[Signatory]


@dataclass
class TextView:
    """One text as printed: its language, title, sections, closing line and signature blocks."""
    text: AgreementText
    lang: str
    dir: str
    title: str
    language_name: str  #: the language's own name, above its column: 日本語, English
    sections: list[Section]
    closing: Markup  #: "Signed at … on …", or "Not yet signed"
    blocks: list[SignatureBlock]
    place_and_date: str  #: the caption of the blank line a signatory fills in when the text is not signed yet
    page_label: str  #: CSS content of "Page n of m" in its language


def agreement_html(agreement: Agreement, layout: str) -> str:
    partnership = agreement.partnership
    cities = {"home": partnership.home_city, "partner": partnership.partner_city}
    signatories = {side: [s for s in agreement.signatories if s.side.value == side] for side in cities}
    texts = [_text_view(agreement, text, cities, signatories) for text in agreement.texts]
    first = texts[0] if texts else None
    first_language = first.text.language if first else "en"
    side_by_side_layout = layout == "side" and len(texts) == 2
    # side by side, the table runs in the first text's direction: its column stands on that side's start
    footers = (texts if first.dir == "ltr" else texts[::-1]) if side_by_side_layout else []
    return render_template(
        "pdf/agreement.html", agreement=agreement, partnership=partnership, texts=texts,
        side_by_side=side_by_side_layout, footers=footers,
        rows=[(row, _splits(row)) for row in side_by_side(texts[0].sections, texts[1].sections)]
        if side_by_side_layout else [],
        captions={side: [(text, block.caption) for text in texts for block in text.blocks if block.side == side]
                  for side in cities},
        signatories=signatories, signed=agreement.signed_on is not None,
        title=first.title if first else agreement.title,
        lang=first.lang if first else "en", dir=first.dir if first else "ltr",
        page_label=first.page_label if first else page_label_css("en"),
        parties=[_party(cities[side], first_language) for side in ("home", "partner")],
        office_name=_office_name(), bare_blocks=[] if texts else _blocks("en", cities, signatories),
        typed=typed_line,
    )


def _splits(row: Row) -> bool:
    """Whether a row of two paragraphs side by side may run from one page to the next: only one too long to
    move whole to the next page without leaving a page (nearly) empty; any other row is kept whole."""
    def weight(cell) -> int:  # about a line of a column holds 45 Latin letters or 22 ideographs
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for line in cell.lines for ch in line) \
            if isinstance(cell, Paragraph) else 0
    return max(weight(row.left), weight(row.right)) > ROW_KEPT_WHOLE


def typed_line(line: str) -> Markup:
    """A line of a text, escaped, its addresses and phone numbers isolated left to right (a phone number kept
    on one line by no-break spaces: white-space: nowrap upsets WeasyPrint's line breaking around it)."""
    pieces, end = [], 0
    for match in LEFT_TO_RIGHT.finditer(line):
        value = match.group()
        if "@" not in value and "//" not in value:
            if sum(c.isdigit() for c in value) < 7:
                continue  # a year, a date, an amount: the bidi algorithm orders those
            value = value.replace(" ", "\u00a0")
        # a mark typed to order the number by hand is not needed once it is isolated, and WeasyPrint breaks
        # the lines before it one word at a time
        pieces += [escape(line[end:match.start()].rstrip(MARKS)), Markup('<bdi dir="ltr">%s</bdi>') % value]
        end = match.end()
    return Markup("").join([*pieces, escape(line[end:])])


def _text_view(agreement: Agreement, text: AgreementText, cities: dict[str, City],
               signatories: dict[str, list[Signatory]]) -> TextView:
    language = text.language
    if agreement.signed_on is None:
        closing = phrase_markup(language, "not_signed")
    else:
        place = text.signed_place or _place_in(agreement.signed_at, language, cities.values())
        date = long_date(agreement.signed_on, language)
        closing = (phrase_markup(language, "signed", place=place, date=date) if place
                   else phrase_markup(language, "signed_on", date=date))
    return TextView(
        text=text, lang=_lang(language), dir=direction(language), title=text.title or agreement.title,
        language_name=_language_name(language), sections=parse(text.body), closing=closing,
        blocks=_blocks(language, cities, signatories, partner_first=_is_partners_language(language, cities)),
        place_and_date=phrase(language, "place_and_date"), page_label=page_label_css(language),
    )


def _blocks(language: str, cities: dict[str, City], signatories: dict[str, list[Signatory]],
            partner_first: bool = False) -> list[SignatureBlock]:
    """Both sides' signature blocks in one language. In the partner's own language the partner signs first,
    on the start side: each party comes first in its own version (the alternat of treaty practice)."""
    order = ("partner", "home") if partner_first else ("home", "partner")
    return [SignatureBlock(side, phrase_markup(language, "for_city", city=city_name_in(cities[side], language)),
                           signatories[side]) for side in order]


def _lang(language: str) -> str:
    lang = html_lang(language)
    return HYPHENATION_LANG.get(lang, lang)


def _language_name(language: str) -> str:
    try:
        locale = Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return language
    name = locale.get_display_name(locale) or language
    return name[:1].upper() + name[1:]


def _base(code: str | None) -> str:
    """The language without script or region: zh-Hans → zh; Bokmål and Nynorsk are Norwegian."""
    base = (code or "").replace("-", "_").split("_")[0].lower()
    return {"nb": "no", "nn": "no", "fil": "tl"}.get(base, base)


def city_language(city: City) -> str | None:
    """The language of a city's own name (crm.languages.name_lang: as recorded with it, else its country's
    official language written in the name's script); for a city without one, its country's main language."""
    return name_lang(city) or country_language(city.country_code)


def city_name_in(city: City, language: str) -> str:
    """A city's name as a text in that language gives it: its own name in its own language (京都市 in the
    Japanese text), else the English name (Kyoto in the English, the Russian or the Arabic text)."""
    if city.native_name and _base(city_language(city)) == _base(language):
        return city.native_name
    return city.name


def _is_partners_language(language: str, cities: dict[str, City]) -> bool:
    partner, home = (_base(city_language(cities[side])) for side in ("partner", "home"))
    return _base(language) == partner and partner != home


def _place_in(place: str | None, language: str, cities) -> str | None:
    """The place of signing as typed, or, when it is one of the two cities, that city's name in the text's
    language: "Haifa" is printed חיפה in the Hebrew text."""
    if not place:
        return None
    wanted = place.strip().casefold()
    for city in cities:
        if wanted in {city.name.casefold(), (city.native_name or "").casefold()}:
            return city_name_in(city, language)
    return place


def _party(city: City, language: str) -> Party:
    native_lang = city_language(city) if city.native_name else None
    url = f"app://emblems/{city.emblem_name}" if city.emblem_name else None
    return Party(city, html_lang(native_lang) if native_lang else None, url,
                 phrase(language, "emblem", city=city_name_in(city, language)))


def _office_name() -> str:
    settings = stored_office_settings()
    return settings.office_name if settings is not None else OfficeSettings.__table__.c.office_name.default.arg


def _interface_language(code: str | None) -> str | None:
    base = (code or "").replace("-", "_").split("_")[0].lower()
    return base if base in LANGUAGES else None


def letter_language(contact, country_code: str | None) -> str:
    """A letter's language among the interface's (whose catalogs hold its sentences): the contact's (a Contact
    or None), else the country's main language, else the office's default (English)."""
    return (_interface_language(contact.language if contact else None)
            or _interface_language(country_language(country_code))
            or current_app.config.get("BABEL_DEFAULT_LOCALE", "en"))
