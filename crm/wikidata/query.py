"""The SPARQL query staff run on https://query.wikidata.org/ for the export they upload: P190 ("twinned
administrative body") of the office's home cities, found by their GeoNames ids (P1566).

Every home city found gives at least one row (its twinnings are OPTIONAL): a city listed without a twin is
one Wikidata knows of no twinning for, so its partnerships count as missing on Wikidata; a home city the file
does not name at all (another batch, or not on Wikidata by that GeoNames id) is left out of that list."""
from sqlalchemy import select

from crm.cities.models import City
from crm.extensions import db
from crm.settings.models import HomeCity

QUERY_SERVICE = "https://query.wikidata.org/"

TEMPLATE = """\
SELECT ?city ?cityLabel ?cityGeonames ?cityCountry
       ?twin ?twinLabel ?twinGeonames ?twinCountry ?twinCoord ?start ?end
WHERE {
  VALUES ?cityGeonames { %(values)s }
  ?city wdt:P1566 ?cityGeonames .
  OPTIONAL { ?city wdt:P17/wdt:P297 ?cityCountry }
  OPTIONAL {
    ?city p:P190 ?statement .
    ?statement ps:P190 ?twin .
    FILTER NOT EXISTS { ?statement wikibase:rank wikibase:DeprecatedRank }
    OPTIONAL { ?twin wdt:P1566 ?twinGeonames }
    OPTIONAL { ?twin wdt:P17/wdt:P297 ?twinCountry }
    OPTIONAL { ?twin wdt:P625 ?twinCoord }
    OPTIONAL { ?statement pq:P580 ?start }
    OPTIONAL { ?statement pq:P582 ?end }
  }
  SERVICE wikibase:label { bd:serviceParam wikibase:language "en,mul". }
}"""


def home_geonames_ids() -> list[int]:
    """The GeoNames ids of the office's home cities (those added by hand have none)."""
    return sorted(db.session.scalars(select(City.geonames_id).join(HomeCity, HomeCity.city_id == City.id)
                                     .where(City.geonames_id.is_not(None))))


def sparql(geonames_ids: list[int]) -> str:
    """The query, ready to paste, for these GeoNames ids (ten to a line)."""
    quoted = [f'"{gid}"' for gid in geonames_ids]
    lines = [" ".join(quoted[n:n + 10]) for n in range(0, len(quoted), 10)]
    return TEMPLATE % {"values": "\n    ".join(lines)}
