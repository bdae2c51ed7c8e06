"""The open-data feed described for portals (issue 23 §2): a DCAT-style JSON-LD record a CKAN DCAT harvester (or
any DCAT-AP reader) can take in, with the office's licence, the two distributions and what every field means."""
from crm.links import public_url_for
from crm.public.feed import csv_columns, moment

LICENCES = {
    "cc0": {"id": "cc0", "name": "CC0 1.0 Universal (Public Domain Dedication)",
            "url": "https://creativecommons.org/publicdomain/zero/1.0/"},
    "cc-by-4.0": {"id": "cc-by-4.0", "name": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
                  "url": "https://creativecommons.org/licenses/by/4.0/"},
}
DEFAULT_LICENCE = "cc0"

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "csvw": "http://www.w3.org/ns/csvw#",
}

_CITY_FIELDS = {
    "name": "The city's English (exonym) name.",
    "native_name": "The city's name in its own script (e.g. 東京, القاهرة), if known.",
    "native_name_language": "The BCP 47 language code of native_name (e.g. ja, ar, zh-Hans).",
    "country": "ISO 3166-1 alpha-2 country code.",
    "geonames_id": "GeoNames id (https://www.geonames.org/<id>), empty for cities added by hand.",
    "wikidata_id": "Wikidata item (e.g. Q1490), where known.",
    "latitude": "WGS 84 latitude, decimal degrees.",
    "longitude": "WGS 84 longitude, decimal degrees.",
}
#: what each CSV column means (the JSON record holds the same values, nested)
COLUMN_DESCRIPTIONS = {
    "id": "The partnership's stable id.",
    "url": "Its public page (in English; /public/<language>/… for the other languages).",
    "modified": "When the partnership record last changed (ISO 8601, UTC).",
    **{f"home_city_{name}": f"Home city: {text}" for name, text in _CITY_FIELDS.items()},
    **{f"partner_city_{name}": f"Partner city: {text}" for name, text in _CITY_FIELDS.items()},
    "kind": "sister_city, friendship_city or cooperation (code).",
    "status": "proposed, active, suspended or ended (code).",
    "established_on": "The day the partnership was established (ISO 8601 date).",
    "priorities": "Strategic priorities (codes, ';'-separated in the CSV).",
    "summary": "The summary shared with the partner city (free text).",
    "agreements_count": "Number of signed agreements (signed, renewed, expired or terminated). The JSON lists "
                        "each: title, kind, status, signed_on, effective_from, expires_on.",
    "latest_agreement_title": "The latest signed agreement's title.",
    "latest_agreement_kind": "Its kind (code).",
    "latest_agreement_status": "Its status (code).",
    "latest_agreement_signed_on": "The day it was signed (ISO 8601 date).",
    "latest_agreement_expires_on": "The day it expires (ISO 8601 date), if it does.",
    "highlights_count": "Number of public highlights (engagements the office published). The JSON lists each: "
                        "title, starts_on, ends_on, url.",
    "latest_highlight_title": "The most recent highlight's title.",
    "latest_highlight_starts_on": "Its (first) day (ISO 8601 date).",
    "latest_highlight_url": "Its public page.",
}
_INTEGER = {"id", "agreements_count", "highlights_count", "home_city_geonames_id", "partner_city_geonames_id"}
_NUMBER = {f"{side}_{name}" for side in ("home_city", "partner_city") for name in ("latitude", "longitude")}
_DATE = {"established_on", "latest_agreement_signed_on", "latest_agreement_expires_on",
         "latest_highlight_starts_on"}


def licence(code: str | None) -> dict:
    return LICENCES.get(code or DEFAULT_LICENCE, LICENCES[DEFAULT_LICENCE])


def _datatype(column: str) -> str:
    if column in _INTEGER:
        return "integer"
    if column in _NUMBER:
        return "number"
    if column in _DATE:
        return "date"
    if column == "modified":
        return "dateTime"
    if column.endswith("url"):
        return "anyURI"
    return "string"


def table_schema(fields: frozenset[str]) -> dict:
    """A CSV-W-style description of the CSV's columns (and so of the JSON's fields)."""
    return {"@type": "csvw:Schema", "csvw:column": [
        {"csvw:name": column, "csvw:datatype": _datatype(column), "dct:description": COLUMN_DESCRIPTIONS[column]}
        for column in csv_columns(fields)]}


def catalog_record(*, office_name: str, licence_code: str | None, fields: frozenset[str], modified,
                   language: str, total: int) -> dict:
    chosen = licence(licence_code)
    catalog_url = public_url_for("open_data.catalog")
    openapi_url = public_url_for("api.openapi")
    publisher = {"@type": "foaf:Organization", "foaf:name": office_name}
    languages = ["en"] if language == "en" else ["en", language]

    def distribution(fmt: str, endpoint: str, media_type: str, title: str) -> dict:
        url = public_url_for(endpoint)
        return {"@id": url, "@type": "dcat:Distribution", "dct:title": title, "dct:format": fmt,
                "dcat:accessURL": {"@id": url}, "dcat:downloadURL": {"@id": url}, "dcat:mediaType": media_type,
                "dct:conformsTo": {"@id": openapi_url}, "dct:license": {"@id": chosen["url"]}}

    dataset = {
        "@id": f"{catalog_url}#partnerships",
        "@type": "dcat:Dataset",
        "dct:identifier": "partnerships",
        "dct:title": {"@value": f"Sister-city partnerships ({office_name})", "@language": "en"},
        "dct:description": {"@language": "en", "@value": (
            f"The public partnerships of {office_name} with cities abroad: both cities (names in their own "
            "scripts, country, GeoNames and Wikidata ids, coordinates) and, as the office publishes them, the "
            "partnership's kind, status and date, its signed agreements and its public highlights. "
            f"{total} partnerships. Paged: ?page=N&per_page=M (at most 1000); follow the rel=\"next\" Link "
            "header (or links.next in the JSON) until there is none.")},
        "dct:language": languages,
        "dct:publisher": publisher,
        "dcat:contactPoint": {"@type": "vcard:Organization", "vcard:fn": office_name,
                              "vcard:hasURL": {"@id": public_url_for("open_data.index")}},
        "dct:license": {"@id": chosen["url"]},
        "dct:rights": chosen["name"],
        "dct:modified": {"@value": moment(modified), "@type": "xsd:dateTime"} if modified else None,
        "dct:accrualPeriodicity": {"@id": "http://purl.org/cld/freq/continuous"},
        "dcat:keyword": ["sister cities", "twin towns", "town twinning", "partnerships", "international relations",
                         "municipal cooperation"],
        "dcat:landingPage": {"@id": public_url_for("public.start")},
        "dct:conformsTo": {"@id": openapi_url},
        "dcat:distribution": [
            distribution("JSON", "open_data.partnerships_json", "application/json", "Partnerships (JSON)"),
            {**distribution("CSV", "open_data.partnerships_csv", "text/csv", "Partnerships (CSV)"),
             "csvw:tableSchema": table_schema(fields)},
        ],
    }
    if dataset["dct:modified"] is None:
        del dataset["dct:modified"]
    return {
        "@context": CONTEXT,
        "@id": catalog_url,
        "@type": "dcat:Catalog",
        "dct:title": {"@value": f"Open data of {office_name}", "@language": "en"},
        "dct:description": {"@value": "Open data published by the Sister City CRM of the office.",
                            "@language": "en"},
        "dct:publisher": publisher,
        "dct:license": {"@id": chosen["url"]},
        "dct:language": languages,
        "dcat:dataset": [dataset],
    }
