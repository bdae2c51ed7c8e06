"""The open-data feed's records (issue 23 §2): public partnerships as plain dicts with stable English field names
and enum codes, never translated labels, so a harvester reads the same file in every language.

The cities are always there (without them there is nothing to publish); every other field only when the office
publishes it (crm.settings.public_fields). Everything comes through crm.public.queries: what is not published
cannot reach the feed.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, inspect
from sqlalchemy.orm import selectin_polymorphic, selectinload

from crm.cities.models import City
from crm.engagements.models import Engagement
from crm.extensions import db
from crm.links import public_url_for
from crm.partnerships.models import Partnership
from crm.public import queries

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 1000
MAX_PAGE = 100_000
#: the fields of a record that the office may leave out (crm.settings.public_fields); the rest are always there
OPTIONAL_FIELDS = ("kind", "status", "established_on", "priorities", "summary", "agreements", "highlights")


@dataclass(frozen=True)
class FeedPage:
    records: list[dict]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return (self.total + self.per_page - 1) // self.per_page


def moment(value: datetime | None) -> str | None:
    """ISO 8601 in UTC, with a Z (SQLite hands back naive datetimes, which are UTC here)."""
    if value is None:
        return None
    value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return value.isoformat(timespec="seconds").replace("+00:00", "Z")


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def city(c: City) -> dict:
    return {
        "name": c.name,
        "native_name": c.native_name,
        "native_name_language": c.native_name_lang if c.native_name else None,
        "country": c.country_code,
        "geonames_id": c.geonames_id,
        "wikidata_id": c.wikidata_id,
        "latitude": c.latitude,
        "longitude": c.longitude,
    }


def agreement(a) -> dict:
    return {"title": a.title, "kind": a.kind.value, "status": a.status.value, "signed_on": day(a.signed_on),
            "effective_from": day(a.effective_from), "expires_on": day(a.expires_on)}


def highlight(e: Engagement) -> dict:
    return {"title": e.title, "starts_on": day(e.occurred_on), "ends_on": day(getattr(e, "ends_on", None)),
            "url": public_url_for("public.highlight", lang="en", highlight_id=e.id)}


def record(p: Partnership, fields: frozenset[str], agreements: list, highlights: list) -> dict:
    data = {
        "id": p.id,
        "url": public_url_for("public.partnership", lang="en", partnership_id=p.id),
        "modified": moment(p.updated_at),
        "home_city": city(p.home_city),
        "partner_city": city(p.partner_city),
    }
    optional = {
        "kind": lambda: p.kind.value,
        "status": lambda: p.status.value,
        "established_on": lambda: day(p.established_on),
        "priorities": lambda: [priority.value for priority in p.priorities],
        "summary": lambda: p.summary,
        "agreements": lambda: [agreement(a) for a in agreements],
        "highlights": lambda: [highlight(e) for e in highlights],
    }
    data.update({name: value() for name, value in optional.items() if name in fields})
    return data


def _by_partnership(statement) -> dict[int, list]:
    grouped = defaultdict(list)
    for row in db.session.scalars(statement):
        grouped[row.partnership_id].append(row)
    return grouped


def feed_page(page: int, per_page: int, fields: frozenset[str]) -> FeedPage:
    """One page of public partnerships, by id: a fixed number of queries whatever the page holds."""
    statement = (queries.published_partnerships().options(selectinload(Partnership.priority_rows))
                 .limit(per_page).offset((page - 1) * per_page))
    partnerships = list(db.session.scalars(statement).unique())
    total = queries.published_count()
    ids = [p.id for p in partnerships]
    agreements = _by_partnership(queries.published_agreements(ids)) if ids and "agreements" in fields else {}
    highlights = {}
    if ids and "highlights" in fields:
        subtypes = [mapper.class_ for mapper in inspect(Engagement).self_and_descendants
                    if mapper.class_ is not Engagement]
        highlights = _by_partnership(queries.published_highlights(ids)
                                     .options(selectin_polymorphic(Engagement, subtypes)))
    records = [record(p, fields, agreements.get(p.id, []), highlights.get(p.id, [])) for p in partnerships]
    return FeedPage(records, page, per_page, total)


def last_modified() -> datetime | None:
    """When a published partnership last changed: the dataset's dct:modified."""
    return db.session.scalar(queries.published_partnerships().with_only_columns(func.max(Partnership.updated_at))
                             .order_by(None))


# -- CSV: one row per partnership ------------------------------------------------------------------------------

CITY_COLUMNS = ("name", "native_name", "native_name_language", "country", "geonames_id", "wikidata_id",
                "latitude", "longitude")


def csv_columns(fields: frozenset[str]) -> list[str]:
    """The CSV's header: stable English identifiers; the optional ones only when the office publishes them."""
    columns = ["id", "url", "modified"]
    for side in ("home_city", "partner_city"):
        columns += [f"{side}_{name}" for name in CITY_COLUMNS]
    columns += [name for name in ("kind", "status", "established_on", "priorities", "summary") if name in fields]
    if "agreements" in fields:
        columns += ["agreements_count", "latest_agreement_title", "latest_agreement_kind",
                    "latest_agreement_status", "latest_agreement_signed_on", "latest_agreement_expires_on"]
    if "highlights" in fields:
        columns += ["highlights_count", "latest_highlight_title", "latest_highlight_starts_on",
                    "latest_highlight_url"]
    return columns


def csv_row(data: dict) -> dict:
    """A record flattened: cities into prefixed columns, lists ";"-joined, agreements and highlights as a count
    and the latest one (the last signed agreement; the most recent highlight)."""
    row = {name: data[name] for name in ("id", "url", "modified")}
    for side in ("home_city", "partner_city"):
        row.update({f"{side}_{name}": value for name, value in data[side].items()})
    for name in ("kind", "status", "established_on", "summary"):
        if name in data:
            row[name] = data[name]
    if "priorities" in data:
        row["priorities"] = ";".join(data["priorities"])
    if "agreements" in data:
        signed = [a for a in data["agreements"] if a["signed_on"]]
        latest = signed[-1] if signed else (data["agreements"][-1] if data["agreements"] else {})
        row["agreements_count"] = len(data["agreements"])
        row.update({f"latest_agreement_{name}": latest.get(name)
                    for name in ("title", "kind", "status", "signed_on", "expires_on")})
    if "highlights" in data:
        latest = data["highlights"][0] if data["highlights"] else {}
        row["highlights_count"] = len(data["highlights"])
        row.update({f"latest_highlight_{name}": latest.get(name) for name in ("title", "starts_on", "url")})
    return row
