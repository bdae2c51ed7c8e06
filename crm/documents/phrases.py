"""The phrases printed documents use around their texts ("Signed at … on …", "Page n of m", "For the City
of …"), in each language a text may be written in, from phrases.toml beside this module.

This catalog is their one source, for the interface languages too: an agreement in Georgian or Hebrew
gets its own phrases, not English ones, and a packet in German the same words as an agreement in German.
Values put into a phrase (a place, a date, a city's name) are isolated for the bidi algorithm, so a Latin
name in an Arabic line, or a Hebrew date in an English one, cannot reorder the words around it.
"""
import re
import tomllib
from functools import cache
from importlib.resources import files

from markupsafe import Markup, escape

from crm.bidi import text_direction

#: every phrase, with the placeholders its text must keep in every language
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "signed": frozenset({"place", "date"}),
    "signed_on": frozenset({"date"}),
    "not_signed": frozenset(),
    "page": frozenset({"page", "pages"}),
    "for_city": frozenset({"city"}),
    "place_and_date": frozenset(),
    "emblem": frozenset({"city"}),
}
FALLBACK = "en"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
#: French writes "d’Osaka", not "de Osaka" (no elision before an aspirated h, which a rule cannot tell)
FRENCH_ELISION = re.compile(r"\bde (%\((\w+)\)s)")
VOWELS = set("AEIOUYÀÂÆÉÈÊËÎÏÔŒÙÛÜaeiouyàâæéèêëîïôœùûü")


@cache
def catalog() -> dict[str, dict[str, str]]:
    """{language: {phrase: text}}, read once per process."""
    return tomllib.loads(files("crm.documents").joinpath("phrases.toml").read_text(encoding="utf-8"))


def phrase_language(code: str | None) -> str:
    """The catalog's language for a text's language: zh_Hant and zh-Hant → zh_Hant, zh_Hans → zh,
    pt_BR → pt, nb → no; English for a language the catalog does not have."""
    code = (code or "").replace("-", "_")
    if code in catalog():
        return code
    base = code.split("_")[0].lower()
    if base == "zh" and code.split("_")[1:2] in (["Hant"], ["TW"], ["HK"], ["MO"]):
        return "zh_Hant"
    base = {"nb": "no", "nn": "no", "fil": "tl"}.get(base, base)
    return base if base in catalog() else FALLBACK


def _template(language: str | None, key: str) -> tuple[str, str]:
    chosen = phrase_language(language)
    return chosen, catalog()[chosen].get(key) or catalog()[FALLBACK][key]


def _elide(language: str, template: str, values: dict[str, str]) -> str:
    if language != "fr":
        return template
    return FRENCH_ELISION.sub(
        lambda m: f"d’{m.group(1)}" if str(values.get(m.group(2), ""))[:1] in VOWELS else m.group(0), template)


def phrase(language: str | None, key: str, **values) -> str:
    """A phrase as plain text, its values put in as they are."""
    chosen, template = _template(language, key)
    return _elide(chosen, template, values) % values if values else template


def phrase_markup(language: str | None, key: str, **values) -> Markup:
    """A phrase as HTML: the phrase's own words, and each value escaped in a <bdi> of its own direction
    (WeasyPrint has no dir="auto", so the direction is the value's first strong character's)."""
    chosen, template = _template(language, key)
    template = _elide(chosen, template, values)
    isolated = {name: Markup('<bdi dir="%s">%s</bdi>') % (text_direction(str(value)), value)
                for name, value in values.items()}
    pieces = PLACEHOLDER.split(str(escape(template)))
    # split() alternates text and placeholder names: text, name, text, name, text…
    return Markup("".join(isolated[piece] if index % 2 else piece for index, piece in enumerate(pieces)))


def page_label_css(language: str | None) -> str:
    """CSS content for the page footer in a language: "Page " counter(page) " of " counter(pages)."""
    _chosen, template = _template(language, "page")
    quoted = '"' + template.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return quoted.replace("%(page)s", '" counter(page) "').replace("%(pages)s", '" counter(pages) "')
