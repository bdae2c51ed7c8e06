"""The fields an import fills, and a first guess at which of the file's columns holds each.

A field's spellings are hand-written words in several languages (str), and the
app's own labels and export headers (lazy_gettext strings), which are
recognised as they read in every UI language: the translations are the same
catalog entries the exports write with, so nothing is copied by hand.
"""
import functools

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from crm.i18n import LANGUAGES
from crm.imports.countries import fold

PARTNERS, ASSOCIATION = "partners", "association"
PARTNERSHIPS, CONTACTS = "partnerships", "contacts"

#: field -> (label, header spellings in several languages, required)
PARTNER_FIELDS = {
    "partner_city": (_l("Partner city"), ["city2", "partner city", "partner", "city", "sister city", "twin city",
                                          "ciudad hermana", "ciudad", "ville", "ville jumelee", "partnerstadt",
                                          "stadt", "姉妹都市", "都市", "城市", "友好城市", "المدينة"], True),
    "partner_country": (_l("Partner country"), [_l("Country"), "country2", "partner country", "country", "pais", "pays", "land",
                                                "staat", "国", "国家", "الدولة", "البلد"], False),
    "partner_lat": (_l("Partner latitude"), ["lat2", "latitude", "lat", "breite", "緯度", "纬度"], False),
    "partner_lng": (_l("Partner longitude"), ["lng2", "lon2", "long2", "longitude", "lng", "lon", "laenge",
                                              "経度", "经度"], False),
    #: optional: a GeoNames id makes the match exact (the Wikidata comparison's hand-off writes them)
    "partner_geonames": (_l("Partner GeoNames id"), ["geonames2", "geonames id", "geonameid", "geonames"], False),
}
HOME_FIELDS = {
    "home_city": (_l("Home city"), [_l("Home city"), "city1", "home city", "member city", "our city", "heimatstadt", "ciudad local"],
                  True),
    "home_country": (_l("Home country"), ["country1", "home country"], False),
    "home_lat": (_l("Home latitude"), ["lat1"], False),
    "home_lng": (_l("Home longitude"), ["lng1", "lon1", "long1"], False),
    "home_geonames": (_l("Home GeoNames id"), ["geonames1"], False),
}
DETAIL_FIELDS = {
    "kind": (_l("Kind"), ["kind", "type", "relationship", "tipo", "art", "種類", "类型"], False),
    "status": (_l("Status"), ["status", "estado", "statut", "zustand", "状態", "状态"], False),
    "established_on": (_l("Established"), [_l("Established on"), "established", "since", "year", "date", "signed",
                                           "established on", "desde", "depuis", "seit", "ano", "annee", "jahr",
                                           "締結", "年"], False),
    "summary": (_l("Notes"), ["notes", "note", "summary", "comments", "remarks", "notas", "bemerkungen", "備考",
                              "备注"], False),
}
CONTACT_FIELDS = {
    "partner_city": (_l("Partner city (finds the partnership)"), [
        _l("Partnership"), _l("Partner city"), "partner city", "city", "partnership", "ciudad", "ville", "stadt",
        "都市", "城市"], False),
    "name": (_l("Name"), ["name", "full name", "contact", "nombre", "nom", "名前", "姓名", "الاسم"], True),
    "email": (_l("E-mail"), ["email", "e mail", "mail", "correo", "courriel", "メール", "邮箱"], False),
    "phone": (_l("Phone"), ["phone", "telephone", "tel", "mobile", "telefono", "telefon", "電話", "电话"], False),
    "organization": (_l("Organization"), ["organization", "organisation", "company", "institution", "organizacion",
                                          "firma", "所属", "组织"], False),
    "job_title": (_l("Job title"), [_l("Title or role"), "job title", "title", "position", "role", "cargo", "poste",
                                    "funktion", "役職", "职务"], False),
    "language": (_l("Language"), ["language", "lang", "idioma", "langue", "sprache", "言語", "语言"], False),
    #: our side or the partner's ("Our side", "Partner side" in any UI language); absent, the partner's
    "side": (_l("Side"), ["side", "lado", "cote", "seite"], False),
    #: absent, every contact imported is staff only; present, only a row that says so is shared
    "visibility": (_l("Shared with the partner"), [_l("Visible to"), "visibility", "shared", "visible to",
                                                   "visibilidad", "compartido", "visibilite", "partage",
                                                   "sichtbarkeit", "geteilt", "公開範囲", "共有", "可见范围",
                                                   "共享", "يظهر لـ", "مشترك"], False),
}


ROW_FILTER_FIELD = {
    "home_city": (_l("Home city column (optional: only rows naming the chosen home city are imported)"),
                  HOME_FIELDS["home_city"][1], False),
}


def fields_for(kind: str, mode: str) -> dict:
    if kind == CONTACTS:
        return CONTACT_FIELDS
    return {**(HOME_FIELDS if mode == ASSOCIATION else ROW_FILTER_FIELD), **PARTNER_FIELDS, **DETAIL_FIELDS}


def in_every_language(text: LazyString) -> tuple[str, ...]:
    """A catalog entry (a lazy string: its msgid and any msgctxt) as it reads in each UI language, folded."""
    from flask import has_app_context

    if not has_app_context():  # no catalogs to read: the entry as written, and nothing remembered
        return (fold(str(text)),)
    return _in_every_language(text._func, text._args, tuple(sorted(text._kwargs.items())))


@functools.cache
def _in_every_language(translate, args: tuple, variables: tuple) -> tuple[str, ...]:
    """translate(*args, **variables) (gettext, pgettext...: what the lazy string calls) in each UI language."""
    from flask_babel import force_locale

    names = []
    for code in LANGUAGES:
        with force_locale(code):
            names.append(fold(str(translate(*args, **dict(variables)))))
    return tuple(dict.fromkeys(name for name in names if name))


def _spellings(label, spellings, kind: str) -> list[str]:
    """The app's own words for a field in every language (its label, its export headers), or the hand-written."""
    if kind == "own":
        return list(dict.fromkeys(name for text in (label, *spellings) if isinstance(text, LazyString)
                                  for name in in_every_language(text)))
    return [fold(s) for s in spellings if isinstance(s, str)]


def guess_mapping(headers: list[str], fields: dict) -> dict[str, int | None]:
    """field -> column index, from the header names; each column used once.

    The app's own headers first (an export comes back mapped, in any UI
    language), then hand-written spellings exactly, then inside a header."""
    folded = [fold(h) for h in headers]
    mapping: dict[str, int | None] = {name: None for name in fields}
    taken: set[int] = set()
    for kind in ("own", "exact", "within"):
        for name, (label, spellings, _required) in fields.items():
            if mapping[name] is not None:
                continue
            for spelling in _spellings(label, spellings, kind):
                found = next((i for i, h in enumerate(folded) if i not in taken and h and
                              (h == spelling if kind != "within"
                               else (spelling in h.split() or h.startswith(spelling)))), None)
                if found is not None:
                    mapping[name] = found
                    taken.add(found)
                    break
    return mapping
