"""Country names as spreadsheets spell them ("Turkey", "Czech Republic",
"People's Republic of China", "England, United Kingdom") to ISO 3166 codes."""
import functools
import re
import unicodedata

from babel import Locale
from rapidfuzz import fuzz, process

# Spellings Babel's English names do not cover: older names, Wikipedia's
# article titles, and the nations of the United Kingdom.
ALIASES = {
    "turkey": "TR", "czech republic": "CZ", "people's republic of china": "CN", "prc": "CN",
    "republic of china": "TW", "republic of ireland": "IE", "england": "GB", "scotland": "GB", "wales": "GB",
    "northern ireland": "GB", "great britain": "GB", "uk": "GB", "usa": "US", "united states of america": "US",
    "us": "US", "palestine": "PS", "state of palestine": "PS", "west bank": "PS", "gaza strip": "PS",
    "northern cyprus": "CY", "turkish republic of northern cyprus": "CY", "ivory coast": "CI", "myanmar": "MM",
    "burma": "MM", "democratic republic of the congo": "CD", "dr congo": "CD", "congo": "CG",
    "republic of the congo": "CG", "east timor": "TL", "moldavia": "MD", "macedonia": "MK",
    "republic of macedonia": "MK", "swaziland": "SZ", "cabo verde": "CV", "holy see": "VA",
    "korea": "KR", "republic of korea": "KR", "russian federation": "RU", "surinam": "SR",
    "federated states of micronesia": "FM", "vatican": "VA", "the netherlands": "NL", "holland": "NL",
    "the gambia": "GM", "the bahamas": "BS", "island": "IS", "grece": "GR", "persia": "IR",
    "soviet union": "RU", "ussr": "RU", "yugoslavia": "RS", "serbia and montenegro": "RS",
    "czechoslovakia": "CZ", "macau": "MO", "west germany": "DE", "east germany": "DE", "kampuchea": "KH",
}


def fold(text: str) -> str:
    """Lower case without accents or punctuation: "São Tomé & Príncipe" → "sao tome and principe"."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("&", " and ").replace("’", "'").replace("ı", "i").replace("ß", "ss")
    text = re.sub(r"\bst\.?(?=\s)", "saint", text)
    text = re.sub(r"[^\w']+", " ", text)
    return " ".join(text.split())


@functools.cache
def _names() -> dict[str, str]:
    names = {}
    for code, name in Locale("en").territories.items():
        if len(code) == 2 and code.isalpha() and code not in ("ZZ", "EU", "EZ", "UN", "QO"):
            names[fold(name)] = code
            names[fold(re.sub(r"\s*\(.*\)|\s+SAR China", "", name))] = code  # "Myanmar (Burma)", "Hong Kong SAR China"
            if " - " in name:  # "Congo - Kinshasa"
                names.setdefault(fold(name.replace(" - ", " ")), code)
    names.update({fold(alias): code for alias, code in ALIASES.items()})
    # The app's own exports name countries in the reader's language ("Japon", "日本", "اليابان").
    from crm.i18n import LANGUAGES

    for language in LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha() and code not in ("ZZ", "EU", "EZ", "UN", "QO"):
                names.setdefault(fold(name), code)
    return names


@functools.lru_cache(maxsize=2048)
def country_code(name: str | None) -> str | None:
    """The ISO code for a country as written in a file, or None when it cannot be told."""
    text = (name or "").strip()
    if not text:
        return None
    if len(text) == 2 and text.isalpha() and text.upper() in set(_names().values()):
        return text.upper()  # already a code
    names = _names()
    # "Réunion, France": the territory itself first (GeoNames files Réunion under RE), then the country.
    parts = [p for p in (fold(part) for part in text.split(",")) if p]
    candidates = [fold(text), *parts, *(re.sub(r"^in ", "", p) for p in parts),
                  *(fold(re.sub(r"\s*\(.*?\)", "", part)) for part in text.split(","))]
    for candidate in candidates:
        if candidate in names:
            return names[candidate]
    best = process.extractOne(fold(text), list(names), scorer=fuzz.ratio, score_cutoff=85)
    return names[best[0]] if best else None
