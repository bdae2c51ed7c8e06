"""The OpenAPI 3.1 description of /api/v1, kept beside the views it describes.

tests/test_api.py checks it against the running app with schemathesis, so a
field added to a serializer without being described here fails the suite
(every object says additionalProperties: false).
"""
from copy import deepcopy

from crm.agreements.models import AgreementKind, AgreementStatus
from crm.api.params import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_LENGTH
from crm.database import MAX_ID
from crm.engagements.models import EngagementKind, Pillar, Visibility
from crm.health.rules import HealthState
from crm.partnerships.models import PartnershipKind, PartnershipStatus, Priority, Side
from crm.public import feed as open_data
from crm.public.catalog import LICENCES
from crm.public.queries import PUBLISHED_AGREEMENTS


def _values(enum_cls) -> list[str]:
    return [member.value for member in enum_cls]


def _nullable(schema: dict) -> dict:
    schema = deepcopy(schema)
    schema["type"] = [schema["type"], "null"]
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    return schema


def _object(properties: dict, required: list[str] | None = None, description: str = "") -> dict:
    schema = {"type": "object", "properties": properties,
              "required": list(properties) if required is None else required, "additionalProperties": False}
    if description:
        schema["description"] = description
    return schema


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


STRING = {"type": "string"}
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
DATE = {"type": "string", "format": "date"}
MOMENT = {"type": "string", "format": "date-time"}
URL = {"type": "string", "format": "uri"}

CITY = _object({
    "id": ID,
    "name": {**STRING, "description": "The English (exonym) name."},
    "native_name": {**_nullable(STRING), "description": "The name in the city's own script, e.g. 東京."},
    "country_code": {"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1 alpha-2."},
    "region": _nullable(STRING),
    "lat": {"type": ["number", "null"], "minimum": -90, "maximum": 90},
    "lng": {"type": ["number", "null"], "minimum": -180, "maximum": 180},
    "timezone": {**_nullable(STRING), "description": "IANA time zone name."},
})

HEALTH = _object({
    "state": {"type": "string", "enum": _values(HealthState)},
    "reason": {**STRING, "description": "Why, in English, e.g. \"No substantive engagement since 3 March 2025 — "
                                        "20 months; threshold 12.\""},
    "threshold_months": {"type": "integer", "minimum": 1},
}, description="The ceremonial rule's verdict as of today (staff tokens only).")

PARTNERSHIP_FIELDS = {
    "id": ID,
    "url": URL,
    "kind": {"type": "string", "enum": _values(PartnershipKind)},
    "status": {"type": "string", "enum": _values(PartnershipStatus)},
    "established_on": _nullable(DATE),
    "home_city": _ref("City"),
    "partner_city": _ref("City"),
    "priorities": {"type": "array", "items": {"type": "string", "enum": _values(Priority)}},
    "summary": {**_nullable(STRING), "description": "The summary shared with the partner city."},
    "archived": {"type": "boolean"},
    "created_at": MOMENT,
    "updated_at": MOMENT,
}
STAFF_PARTNERSHIP_FIELDS = {
    "staff_notes": {**_nullable(STRING), "description": "Staff tokens only."},
    "threshold_months": {"type": ["integer", "null"], "minimum": 1,
                         "description": "This partnership's own ceremonial threshold, if set (staff tokens only)."},
    "liaison": {"oneOf": [_object({"id": ID, "name": STRING}), {"type": "null"}],
                "description": "The staff liaison (staff tokens only)."},
    "health": {"oneOf": [_ref("Health"), {"type": "null"}],
               "description": "Null for archived partnerships (staff tokens only)."},
}
PARTNERSHIP = _object({**PARTNERSHIP_FIELDS, **STAFF_PARTNERSHIP_FIELDS}, required=list(PARTNERSHIP_FIELDS))

ENGAGEMENT_FIELDS = {
    "id": ID,
    "url": URL,
    "partnership_id": ID,
    "record_type": {"type": "string", "enum": ["engagement", "trade_mission", "exchange", "joint_project"]},
    "kind": {"type": "string", "enum": _values(EngagementKind)},
    "title": STRING,
    "occurred_on": {**DATE, "description": "The (first) day; a date in the future means planned."},
    "ends_on": {**_nullable(DATE), "description": "The last day of a trade mission, exchange or joint project."},
    "planned": {"type": "boolean"},
    "substantive": {"type": "boolean",
                    "description": "A working contact (true) or protocol only: greetings, anniversaries."},
    "pillar": {"type": ["string", "null"], "enum": [*_values(Pillar), None]},
    "initiated_by": {"type": "string", "enum": _values(Side)},
    "logged_by_side": {"type": "string", "enum": _values(Side)},
    "notes": _nullable(STRING),
    "created_at": MOMENT,
    "updated_at": MOMENT,
}
ENGAGEMENT = _object({**ENGAGEMENT_FIELDS, "visibility": {"type": "string", "enum": _values(Visibility),
                                                          "description": "Staff tokens only."}},
                     required=list(ENGAGEMENT_FIELDS))

AGREEMENT_FIELDS = {
    "id": ID,
    "url": URL,
    "partnership_id": ID,
    "kind": {"type": "string", "enum": _values(AgreementKind)},
    "status": {"type": "string", "enum": _values(AgreementStatus),
               "description": "Guest tokens never see drafts."},
    "title": STRING,
    "signed_on": _nullable(DATE),
    "signed_at": {**_nullable(STRING), "description": "The place of signing."},
    "effective_from": _nullable(DATE),
    "expires_on": _nullable(DATE),
    "renews_id": {"type": ["integer", "null"], "minimum": 1},
    "languages": {"type": "array", "items": STRING, "description": "BCP 47 codes of its texts."},
    "created_at": MOMENT,
    "updated_at": MOMENT,
}
NOTES = {"notes": {**_nullable(STRING), "description": "Staff tokens only."}}
AGREEMENT = _object({**AGREEMENT_FIELDS, **NOTES}, required=list(AGREEMENT_FIELDS))
AGREEMENT_DETAIL_FIELDS = {
    "signatories": {"type": "array", "items": _object({
        "side": {"type": "string", "enum": _values(Side)}, "name": STRING, "title": _nullable(STRING),
        "city": _nullable(STRING)})},
    "texts": {"type": "array", "items": _object({
        "language": STRING, "title": _nullable(STRING), "body": STRING})},
}
AGREEMENT_DETAIL = _object({**AGREEMENT_FIELDS, **AGREEMENT_DETAIL_FIELDS, **NOTES},
                           required=[*AGREEMENT_FIELDS, *AGREEMENT_DETAIL_FIELDS])

ERROR = _object({"error": _object({
    "status": {"type": "integer"},
    "code": {"type": "string", "description": "unauthorized, not_found, invalid_parameter, too_many_requests…"},
    "message": STRING,
    "parameter": {**STRING, "description": "The query parameter at fault (invalid_parameter only)."},
}, required=["status", "code", "message"])})


def _list(item: str) -> dict:
    return _object({
        "items": {"type": "array", "items": _ref(item)},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "total": {"type": "integer", "minimum": 0},
        "pages": {"type": "integer", "minimum": 0},
        "next": {**_nullable(URL), "description": "The next page, or null on the last one."},
        "prev": {**_nullable(URL), "description": "The previous page, or null on the first one."},
    })


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _path(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": ID, "description": description}


PAGING = [
    _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
           "Page number; a page past the last is empty."),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
           "Items per page."),
]
UPDATED_SINCE = _query("updated_since", MOMENT, "Only records changed at or after this moment (RFC 3339).")
SEARCH = _query("q", {"type": "string", "maxLength": MAX_QUERY_LENGTH}, "Search text.")
ENGAGEMENT_FILTERS = [
    _query("kind", {"type": "string", "enum": _values(EngagementKind)}, "Only this kind."),
    _query("from", DATE, "Only engagements on or after this day."),
    _query("to", DATE, "Only engagements on or before this day."),
    UPDATED_SINCE,
]


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _responses(schema: str, *, found: bool, filters: bool) -> dict:
    responses = {"200": {"description": "OK", "content": {"application/json": {"schema": _ref(schema)}}}}
    if schema.endswith("List"):
        responses["200"]["headers"] = {"Link": {
            "description": "RFC 8288 links to the first, prev, next and last pages.", "schema": STRING}}
    if filters:
        responses["400"] = _error("A query parameter is not valid; error.parameter names it.")
    responses["401"] = {**_error("No token, or a token that is unknown, revoked, or whose user is deactivated."),
                        "headers": {"WWW-Authenticate": {"schema": STRING, "required": True,
                                                         "description": "Bearer."}}}
    if found:
        responses["404"] = _error("No such record, or not one this token may see.")
    responses["429"] = _error("Too many requests for this token; wait and try again.")
    # gunicorn answers these itself, before the app reads the request (crm/gunicorn_errors.py)
    responses["414"] = _error("The request line (address and query string) is longer than the server accepts.")
    responses["431"] = _error("The request's headers are larger than the server accepts.")
    responses["503"] = {**_error("The database did not answer; try again after Retry-After seconds."),
                        "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 0},
                                                    "description": "Seconds to wait."}}}
    return responses


def _operation(operation_id: str, summary: str, schema: str, parameters: list, *, found: bool = False,
               tag: str) -> dict:
    return {"get": {
        "operationId": operation_id, "summary": summary, "tags": [tag], "parameters": parameters,
        "responses": _responses(schema, found=found, filters=any(p["in"] == "query" for p in parameters)),
    }}


# -- open data (issue 23 §2): no token, same records for everyone, under /open-data rather than /api/v1 ----------

OPEN_DATA_CITY = _object({
    "name": {**STRING, "description": "The English (exonym) name."},
    "native_name": {**_nullable(STRING), "description": "The name in the city's own script, e.g. 東京."},
    "native_name_language": {**_nullable(STRING), "description": "BCP 47 code of native_name: ja, ar, zh-Hans…"},
    "country": {"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1 alpha-2."},
    "geonames_id": {"type": ["integer", "null"], "minimum": 1, "description": "GeoNames id; null if added by hand."},
    "wikidata_id": {"type": ["string", "null"], "pattern": "^Q[0-9]+$", "description": "Wikidata item, where known."},
    "latitude": {"type": ["number", "null"], "minimum": -90, "maximum": 90},
    "longitude": {"type": ["number", "null"], "minimum": -180, "maximum": 180},
})
OPEN_DATA_AGREEMENT = _object({
    "title": STRING,
    "kind": {"type": "string", "enum": _values(AgreementKind)},
    "status": {"type": "string", "enum": [status.value for status in PUBLISHED_AGREEMENTS],
               "description": "Only signed agreements and their history are published."},
    "signed_on": _nullable(DATE),
    "effective_from": _nullable(DATE),
    "expires_on": _nullable(DATE),
})
OPEN_DATA_HIGHLIGHT = _object({
    "title": STRING,
    "starts_on": {**DATE, "description": "The (first) day."},
    "ends_on": {**_nullable(DATE), "description": "The last day of a mission, exchange or project."},
    "url": {**URL, "description": "Its public page (the EU grant's publication page)."},
})
OPEN_DATA_ALWAYS = {
    "id": ID,
    "url": {**URL, "description": "The partnership's public page, in English (/public/<language>/… for others)."},
    "modified": {**MOMENT, "description": "When the partnership record last changed (UTC)."},
    "home_city": _ref("OpenDataCity"),
    "partner_city": _ref("OpenDataCity"),
}
OPEN_DATA_PARTNERSHIP = _object({
    **OPEN_DATA_ALWAYS,
    "kind": {"type": "string", "enum": _values(PartnershipKind)},
    "status": {"type": "string", "enum": _values(PartnershipStatus)},
    "established_on": _nullable(DATE),
    "priorities": {"type": "array", "items": {"type": "string", "enum": _values(Priority)}},
    "summary": {**_nullable(STRING), "description": "The summary shared with the partner city."},
    "agreements": {"type": "array", "items": _ref("OpenDataAgreement"), "description": "Oldest signed first."},
    "highlights": {"type": "array", "items": _ref("OpenDataHighlight"), "description": "The latest first."},
}, required=list(OPEN_DATA_ALWAYS), description=(
    "A public partnership. The cities are always there; " + ", ".join(open_data.OPTIONAL_FIELDS)
    + " only when the office publishes that field."))
OPEN_DATA_PAGE = _object({
    "licence": _object({"id": {"type": "string", "enum": list(LICENCES)}, "name": STRING, "url": URL}),
    "publisher": {**STRING, "description": "The office's name."},
    "catalog": {**URL, "description": "The DCAT metadata record (JSON-LD)."},
    "page": {"type": "integer", "minimum": 1, "maximum": open_data.MAX_PAGE},
    "per_page": {"type": "integer", "minimum": 1, "maximum": open_data.MAX_PER_PAGE},
    "total": {"type": "integer", "minimum": 0},
    "pages": {"type": "integer", "minimum": 0},
    "links": _object({"self": URL, "first": URL, "prev": _nullable(URL), "next": _nullable(URL), "last": URL},
                     description="Absolute URLs; prev and next are null where there is none."),
    "items": {"type": "array", "items": _ref("OpenDataPartnership")},
})
OPEN_DATA_PAGING = [
    _query("page", {"type": "integer", "minimum": 1, "maximum": open_data.MAX_PAGE, "default": 1},
           "Page number; a page past the last is empty."),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": open_data.MAX_PER_PAGE,
                        "default": open_data.DEFAULT_PER_PAGE}, "Records per page."),
]
OPEN_DATA_HEADERS = {
    "Link": {"description": "RFC 8288 links to the first, prev, next and last pages.", "schema": STRING},
    "X-Total-Count": {"description": "How many records all the pages hold.", "schema": STRING},
}


def _open_data(operation_id: str, summary: str, media_type: str, schema: dict) -> dict:
    return {
        # these live beside the API, not under /api/v1
        "servers": [{"url": "/"}],
        "get": {
            "operationId": operation_id, "summary": summary, "tags": ["open data"], "security": [],
            "parameters": OPEN_DATA_PAGING,
            "responses": {
                "200": {"description": "One page of public partnerships, by id.", "headers": OPEN_DATA_HEADERS,
                        "content": {media_type: {"schema": schema}}},
                "304": {"description": "Not modified (the ETag given in If-None-Match still holds)."},
                "400": _error("A query parameter is not valid (or not known); error.parameter names it."),
                "429": {"description": "Too many requests from this address; wait and try again."},
                "414": {"description": "The request line is longer than the server accepts."},
                "431": {"description": "The request's headers are larger than the server accepts."},
                "503": {"description": "The database did not answer; try again later."},
            },
        },
    }


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Sister City CRM API",
            "version": "1.0.0",
            "description": (
                "A read-only API for partnerships, engagements and agreements. Authenticate with a personal "
                "API token (created on your account's API tokens page): `Authorization: Bearer <token>`. "
                "A token sees exactly what its owner sees on the web: a partner-city guest's token sees only "
                "their partnership and what is shared with the partner. Lists are paginated with `page` and "
                "`per_page` (at most 100) and carry a `Link` header and a `next` URL. Dates are ISO 8601; "
                "moments are in UTC."),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerToken": []}],
        "tags": [{"name": "partnerships"}, {"name": "engagements"}, {"name": "agreements"},
                 {"name": "open data", "description": "Public partnerships, without a token, under /open-data."}],
        "paths": {
            "/partnerships": _operation(
                "listPartnerships", "Partnerships (not archived)", "PartnershipList", [
                    *PAGING,
                    _query("status", {"type": "string", "enum": _values(PartnershipStatus)}, "Only this status."),
                    _query("country", {"type": "string", "pattern": "^[A-Za-z]{2}$"},
                           "Only partner cities in this country (ISO 3166-1 alpha-2)."),
                    {**SEARCH, "description": "Search city names, in English or their own script."},
                    UPDATED_SINCE,
                ], tag="partnerships"),
            "/partnerships/{partnership_id}": _operation(
                "getPartnership", "One partnership", "Partnership", [_path("partnership_id", "Partnership id")],
                found=True, tag="partnerships"),
            "/partnerships/{partnership_id}/engagements": _operation(
                "listPartnershipEngagements", "A partnership's engagements, newest first", "EngagementList",
                [_path("partnership_id", "Partnership id"), *PAGING, *ENGAGEMENT_FILTERS], found=True,
                tag="engagements"),
            "/engagements": _operation(
                "listEngagements", "Engagements, newest first", "EngagementList", [
                    *PAGING, _query("partnership", ID, "Only this partnership's engagements."),
                    *ENGAGEMENT_FILTERS,
                ], tag="engagements"),
            "/engagements/{engagement_id}": _operation(
                "getEngagement", "One engagement", "Engagement", [_path("engagement_id", "Engagement id")],
                found=True, tag="engagements"),
            "/agreements": _operation(
                "listAgreements", "Agreements, latest signed first", "AgreementList", [
                    *PAGING,
                    _query("status", {"type": "string", "enum": _values(AgreementStatus)}, "Only this status."),
                    _query("kind", {"type": "string", "enum": _values(AgreementKind)}, "Only this kind."),
                    _query("partnership", ID, "Only this partnership's agreements."),
                    {**SEARCH, "description": "Search agreement titles."},
                    UPDATED_SINCE,
                ], tag="agreements"),
            "/agreements/{agreement_id}": _operation(
                "getAgreement", "One agreement, with its signatories and texts", "AgreementDetail",
                [_path("agreement_id", "Agreement id")], found=True, tag="agreements"),
            "/open-data/partnerships.json": _open_data(
                "listOpenDataPartnerships", "Public partnerships as open data (no token)", "application/json",
                _ref("OpenDataPage")),
            "/open-data/partnerships.csv": _open_data(
                "listOpenDataPartnershipsCsv", "Public partnerships as open data, one CSV row each (no token)",
                "text/csv", {"type": "string", "description": (
                    "UTF-8 with a byte-order mark, comma-separated, CRLF rows, a header row of stable column "
                    "names (described in the DCAT record's csvw:tableSchema at /open-data/catalog.json).")}),
        },
        "components": {
            "securitySchemes": {"bearerToken": {
                "type": "http", "scheme": "bearer",
                "description": "A personal API token; an administrator can revoke it at any time."}},
            "schemas": {
                "City": CITY, "Health": HEALTH, "Partnership": PARTNERSHIP, "Engagement": ENGAGEMENT,
                "Agreement": AGREEMENT, "AgreementDetail": AGREEMENT_DETAIL, "Error": ERROR,
                "PartnershipList": _list("Partnership"), "EngagementList": _list("Engagement"),
                "AgreementList": _list("Agreement"),
                "OpenDataCity": OPEN_DATA_CITY, "OpenDataAgreement": OPEN_DATA_AGREEMENT,
                "OpenDataHighlight": OPEN_DATA_HIGHLIGHT, "OpenDataPartnership": OPEN_DATA_PARTNERSHIP,
                "OpenDataPage": OPEN_DATA_PAGE,
            },
        },
    }
