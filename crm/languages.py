"""Languages a document or a contact can be in (not only the interface languages)."""
import unicodedata
from collections import Counter
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.languages import get_official_languages
from babel.lists import format_list as babel_format_list
from flask_babel import get_locale

#: languages sister-city agreements are commonly written in (the document phrases, crm/documents/phrases.toml,
#: have each of them)
DOCUMENT_LANGUAGES = (
    "en", "es", "fr", "de", "it", "pt", "nl", "pl", "cs", "sv", "no", "da", "fi", "el", "tr", "ru", "uk",
    "ka", "hy", "ar", "he", "fa", "ur", "hi", "mr", "bn", "ta", "th", "vi", "id", "ms", "tl", "ja", "ko",
    "zh_Hans", "zh_Hant", "sw", "am",
    "sk", "hu", "ro", "bg", "sr", "hr", "sl", "lt", "lv", "et", "kk", "uz",
)
RIGHT_TO_LEFT_LANGUAGES = {"ar", "he", "fa", "ur"}


def language_label(code: str) -> str:
    """A language's name in the reader's language: "japonés", "Japanese"."""
    try:
        return Locale.parse(code).get_display_name(get_locale()) or code
    except (UnknownLocaleError, ValueError):
        return code


def document_language_choices() -> list[tuple[str, str]]:
    return sorted(((code, language_label(code)) for code in DOCUMENT_LANGUAGES), key=lambda c: c[1].casefold())


def html_lang(code: str) -> str:
    """zh_Hans → zh-Hans, for lang attributes."""
    return code.replace("_", "-")


def direction(code: str) -> str:
    return "rtl" if code.split("_")[0] in RIGHT_TO_LEFT_LANGUAGES else "ltr"


# Lists -------------------------------------------------------------------------------------------------------------
# What a translator puts between the items of a list. "items": words or short phrases in a series, no conjunction
# (a table cell of priorities or sectors): Chinese and Japanese use the enumeration comma 、 (顿号, 読点), never "，";
# Arabic, Persian and Urdu the Arabic comma with a space. "clauses": items that are clauses of a sentence: Chinese
# separates clauses with the full-width comma "，", Japanese keeps 、. "groups": items that hold commas themselves
# (a chart's description, "Q1 2026: 3 substantive, 1 protocol only"): a semicolon, full width in Chinese and
# Japanese, the Arabic semicolon ؛, the Greek ano teleia ·, with French's narrow space before it. "and"/"or": a
# sentence's list with its conjunction, from CLDR through Babel ("Culture, Education and Health", "文化、教育和卫生").
_ITEMS = {"zh": "、", "ja": "、", "yue": "、", "ar": "، ", "fa": "، ", "ur": "، ", "ps": "، ", "ckb": "، ", "ug": "، ",
          "am": "፣ ", "ti": "፣ ", "my": "၊ ", "th": " ", "lo": " "}
_CLAUSES = {**_ITEMS, "zh": "，", "yue": "，"}
_GROUPS = {"zh": "；", "ja": "；", "yue": "；", "ar": "؛ ", "fa": "؛ ", "ur": "؛ ", "ps": "؛ ", "ckb": "؛ ", "ug": "؛ ",
           "am": "፤ ", "ti": "፤ ", "el": "· ", "fr": "\u202f; ", "th": " ", "lo": " "}
_SEPARATORS = {"items": (_ITEMS, ", "), "clauses": (_CLAUSES, ", "), "groups": (_GROUPS, "; ")}
_CLDR_STYLES = {"and": "standard", "or": "or"}


def list_separator(language: str | None = None, style: str = "items") -> str:
    table, default = _SEPARATORS[style]
    return table.get(_base(language), default)


def format_list(items, language: str | None = None, style: str = "items") -> str:
    """A list of words as a reader of `language` (default: the interface language) writes it; see above for the
    styles. Pages: the format_list filter (`items|format_list`); documents pass their text's language."""
    words = [str(item) for item in items if item not in (None, "")]
    if style in _CLDR_STYLES and len(words) > 1:
        try:
            return babel_format_list(words, style=_CLDR_STYLES[style], locale=_locale(language))
        except (KeyError, UnknownLocaleError, ValueError):  # a language CLDR has no pattern of this kind for
            style = "items"
    return list_separator(language, style if style in _SEPARATORS else "items").join(words)


def _base(language: str | None) -> str:
    return str(language or get_locale() or "en").replace("-", "_").split("_")[0].lower()


def _locale(language: str | None) -> Locale:
    return Locale.parse(str(language).replace("-", "_")) if language else get_locale()


# Scripts and the language of a city's own name ---------------------------------------------------------------------
#: ISO 15924 code of a character's script, by the start of its Unicode name
_SCRIPTS = (
    ("LATIN", "Latn"), ("CJK", "Hani"), ("IDEOGRAPHIC", "Hani"), ("HIRAGANA", "Kana"), ("KATAKANA", "Kana"),
    ("HANGUL", "Hang"), ("ARABIC", "Arab"), ("HEBREW", "Hebr"), ("CYRILLIC", "Cyrl"), ("GREEK", "Grek"),
    ("GEORGIAN", "Geor"), ("ARMENIAN", "Armn"), ("DEVANAGARI", "Deva"), ("BENGALI", "Beng"), ("TAMIL", "Taml"),
    ("TELUGU", "Telu"), ("KANNADA", "Knda"), ("MALAYALAM", "Mlym"), ("GUJARATI", "Gujr"), ("GURMUKHI", "Guru"),
    ("ORIYA", "Orya"), ("SINHALA", "Sinh"), ("THAI", "Thai"), ("LAO", "Laoo"), ("KHMER", "Khmr"), ("MYANMAR", "Mymr"),
    ("ETHIOPIC", "Ethi"), ("THAANA", "Thaa"), ("TIBETAN", "Tibt"), ("MONGOLIAN", "Mong"), ("TIFINAGH", "Tfng"),
    ("CANADIAN SYLLABICS", "Cans"), ("CHEROKEE", "Cher"), ("SYRIAC", "Syrc"),
)
#: the scripts a language's script subtag covers: Japanese is written in Han and kana, Korean in Hangul and Han
_WRITTEN_IN = {"Jpan": {"Hani", "Kana"}, "Kore": {"Hang", "Hani"}, "Hans": {"Hani"}, "Hant": {"Hani"}}
#: a script's language when the country's official languages have none in it (a Han name of a city in Malaysia)
_SCRIPT_LANGUAGE = {"Hani": "zh-Hans", "Kana": "ja", "Hang": "ko", "Arab": "ar", "Hebr": "he", "Cyrl": "ru",
                    "Grek": "el", "Geor": "ka", "Armn": "hy", "Deva": "hi", "Beng": "bn", "Taml": "ta", "Telu": "te",
                    "Knda": "kn", "Mlym": "ml", "Gujr": "gu", "Guru": "pa", "Orya": "or", "Sinh": "si", "Thai": "th",
                    "Laoo": "lo", "Khmr": "km", "Mymr": "my", "Ethi": "am", "Thaa": "dv", "Tibt": "bo",
                    "Mong": "mn-Mong", "Tfng": "zgh", "Cans": "iu", "Cher": "chr", "Syrc": "syr"}
#: Chinese whose glyph forms follow Hong Kong's standard (Noto Sans CJK HK), not Taiwan's
_HONG_KONG_FORMS = {"HK", "MO"}


def script_of(char: str) -> str | None:
    """ "ক" → "Beng", "京" → "Hani", "き" → "Kana"; None for digits, spaces and punctuation."""
    name = unicodedata.name(char, "")
    return next((code for prefix, code in _SCRIPTS if name.startswith(prefix)), None)


def writing_script(text: str | None) -> str | None:
    """The script most of a text's letters are in; "Jpan" when any is kana (Japanese mixes kana with Han)."""
    counts = Counter(script for script in map(script_of, text or "") if script)
    if not counts:
        return None
    return "Jpan" if counts["Kana"] else counts.most_common(1)[0][0]


def name_lang(city) -> str | None:
    """The BCP 47 language of a city's own name, for a lang attribute, so it is set in its own glyph forms and
    hyphenated by its own rules: the language stored with the name (city.native_name_lang), else the first official
    language of the city's country (CLDR, by population) written in the name's script (Kolkata's কলকাতা is
    Bengali, Taipei's 臺北 Traditional Chinese, Kyoto's 京都市 Japanese), else the script's own language."""
    if not getattr(city, "native_name", None):
        return None
    if getattr(city, "native_name_lang", None):
        return city.native_name_lang.replace("_", "-")
    script = writing_script(city.native_name)
    return _country_language(city.country_code or "", script) if script else None


@lru_cache(maxsize=512)
def _country_language(country: str, script: str) -> str | None:
    for code in get_official_languages(country.upper(), regional=True, de_facto=True) if country else ():
        written = _script_of_language(code)
        if written == script or script in _WRITTEN_IN.get(written, ()):
            return _bcp47(code, written, country.upper())
    return _SCRIPT_LANGUAGE.get("Kana" if script == "Jpan" else script)


def _script_of_language(code: str) -> str | None:
    parts = code.split("_")
    if len(parts) > 1 and len(parts[1]) == 4:  # sr_Latn, zh_Hant
        return parts[1]
    likely = get_global("likely_subtags").get(code, "")  # zh → zh_Hans_CN, ja → ja_Jpan_JP
    return next((part for part in likely.split("_")[1:] if len(part) == 4), None)


def _bcp47(code: str, script: str, country: str) -> str:
    language = code.split("_")[0]
    if language == "zh":  # the script decides the glyph forms, and Hong Kong's differ from Taiwan's
        return f"zh-{script}-{country}" if script == "Hant" and country in _HONG_KONG_FORMS else f"zh-{script}"
    return code.replace("_", "-")


# Fonts ------------------------------------------------------------------------------------------------------------
#: The Noto fonts a language's text is set in, its own first: Han characters take the forms of the text's language
#: (Japanese, Simplified, Traditional, Hong Kong, Korean) and Arabic text its digits and punctuation from Noto Sans
#: Arabic. The SVG charts name these; crm/static/css/print.css keeps the same order for whole documents.
_FONTS = {
    "ja": ("Noto Sans", "Noto Sans CJK JP"), "zh": ("Noto Sans", "Noto Sans CJK SC"),
    "zh-Hant": ("Noto Sans", "Noto Sans CJK TC"), "zh-TW": ("Noto Sans", "Noto Sans CJK TC"),
    "zh-Hant-HK": ("Noto Sans", "Noto Sans CJK HK"), "zh-HK": ("Noto Sans", "Noto Sans CJK HK"),
    "zh-Hant-MO": ("Noto Sans", "Noto Sans CJK HK"), "zh-MO": ("Noto Sans", "Noto Sans CJK HK"),
    "ko": ("Noto Sans", "Noto Sans CJK KR"),
    "ar": ("Noto Sans Arabic", "Noto Sans"), "fa": ("Noto Sans Arabic", "Noto Sans"),
    "ur": ("Noto Sans Arabic", "Noto Sans"), "he": ("Noto Sans Hebrew", "Noto Sans"),
    "hi": ("Noto Sans Devanagari", "Noto Sans"), "mr": ("Noto Sans Devanagari", "Noto Sans"),
    "ne": ("Noto Sans Devanagari", "Noto Sans"), "bn": ("Noto Sans Bengali", "Noto Sans"),
    "ta": ("Noto Sans Tamil", "Noto Sans"), "th": ("Noto Sans Thai", "Noto Sans"),
    "ka": ("Noto Sans Georgian", "Noto Sans"), "hy": ("Noto Sans Armenian", "Noto Sans"),
    "am": ("Noto Sans Ethiopic", "Noto Sans"),
}


def font_families(language: str | None = None) -> tuple[str, ...]:
    """ "zh-Hant-HK" → ("Noto Sans", "Noto Sans CJK HK"); a language of Latin, Greek or Cyrillic script (and one
    the table does not know) → ("Noto Sans",). Default: the interface language."""
    code = str(language or get_locale() or "en").replace("_", "-")
    parts = code.split("-")
    for length in range(len(parts), 0, -1):
        families = _FONTS.get("-".join(parts[:length]))
        if families:
            return families
    return ("Noto Sans",)


def svg_font_family(language: str | None = None) -> str:
    """The font-family attribute of an SVG chart: commas without spaces, as WeasyPrint's SVG reader splits it."""
    return ",".join([f"'{family}'" for family in font_families(language)] + ["sans-serif"])
