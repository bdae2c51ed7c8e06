"""Which of the office's cities a Wikidata city is: by GeoNames id first (City.geonames_id), then by the Wikidata
id recorded earlier, then by name and country as the import matches a file's cities (folded names: the city's
name, its name in its own script and its alternate names, within the country).

Set-based: the office's cities are read once into dicts (a few queries, whatever the size of the file)."""
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from crm.cities.models import City
from crm.extensions import db
from crm.imports.countries import fold
from crm.settings.models import HomeCity

BY_GEONAMES, BY_WIKIDATA, BY_NAME = "geonames", "wikidata", "name"


@dataclass
class OfficeCity:
    id: int
    name: str
    native_name: str | None
    country_code: str
    geonames_id: int | None
    wikidata_id: str | None
    latitude: float | None
    longitude: float | None


@dataclass
class OfficeCities:
    cities: dict[int, OfficeCity] = field(default_factory=dict)
    home_ids: set[int] = field(default_factory=set)
    by_geonames: dict[int, int] = field(default_factory=dict)
    by_wikidata: dict[str, int] = field(default_factory=dict)
    #: (folded name, country) → ids of the cities whose own (English) name it is
    by_primary: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(list))
    #: (folded name, country) → ids of the cities known by it (native and alternate names too)
    by_any_name: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(list))

    def match(self, wikidata_id: str, geonames_id: int | None, label: str, country_code: str,
              home: bool = False) -> tuple[int | None, str | None]:
        """(city id, how it was matched), or (None, None). Names decide only when one city has the name in that
        country (a home city before any other, for the home side)."""
        if geonames_id and geonames_id in self.by_geonames:
            return self.by_geonames[geonames_id], BY_GEONAMES
        if wikidata_id and wikidata_id in self.by_wikidata:
            return self.by_wikidata[wikidata_id], BY_WIKIDATA
        name = fold(label or "")
        if not name or not country_code:
            return None, None
        for index in (self.by_primary, self.by_any_name):
            ids = list(dict.fromkeys(index.get((name, country_code), ())))
            if home:
                ids = [i for i in ids if i in self.home_ids] or ids
            if len(ids) == 1:
                return ids[0], BY_NAME
            if ids:
                return None, None  # two cities of that name in the country: not guessed
        return None, None


def office_cities() -> OfficeCities:
    """Every city the office records, indexed (two queries)."""
    office = OfficeCities()
    office.home_ids = set(db.session.scalars(select(HomeCity.city_id)))
    rows = db.session.execute(select(City.id, City.name, City.native_name, City.country_code, City.geonames_id,
                                     City.wikidata_id, City.latitude, City.longitude, City.alternate_names))
    for row in rows:
        city = OfficeCity(*row[:8])
        office.cities[city.id] = city
        if city.geonames_id:
            office.by_geonames[city.geonames_id] = city.id
        if city.wikidata_id:
            office.by_wikidata.setdefault(city.wikidata_id, city.id)
        office.by_primary[(fold(city.name), city.country_code)].append(city.id)
        for spelling in {city.name, city.native_name or "", *(row.alternate_names or "").split("\n")}:
            if spelling.strip():
                office.by_any_name[(fold(spelling), city.country_code)].append(city.id)
    return office
