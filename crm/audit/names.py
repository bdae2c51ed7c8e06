"""The names of the records a page of audit events mentions, read in one query.

The tables are taken from the metadata, so the trail names records of every feature without
importing them. A record that is gone (deleted for good) is simply not found; one in the trash is
found and marked gone, so it is named but not linked.
"""
from dataclasses import dataclass

from sqlalchemy import Integer, String, cast, literal, null, union_all

from crm.extensions import db

#: kind of record (its table) → the column that names it
NAME_COLUMNS = {
    "users": "name", "cities": "name", "contacts": "name", "organizations": "name", "engagements": "title",
    "agreements": "title", "agreement_texts": "language", "signatories": "name", "itinerary_items": "title",
    "mission_outcomes": "description", "milestones": "title", "attachments": "filename", "invitations": "email",
    "api_tokens": "name", "staff_invitations": "email", "office_settings": "office_name",
}
#: tables whose ids are another kind's: a program is an engagement, a home city is a city
SAME_IDS = {"trade_missions": "engagements", "exchanges": "engagements", "joint_projects": "engagements",
            "home_cities": "cities"}


@dataclass(frozen=True)
class Name:
    text: str
    subtype: str | None = None  #: an engagement's record_type: which program page it has
    gone: bool = False  #: in the trash


def kind_of_table(table: str) -> str | None:
    """The kind whose names a reference to this table reads; None when such records are not named."""
    table = SAME_IDS.get(table, table)
    return table if table in NAME_COLUMNS or table == "partnerships" else None


def _select(kind: str, ids: set[int]):
    tables = db.metadata.tables
    if kind == "partnerships":
        partnerships, home, partner = tables["partnerships"], tables["cities"].alias(), tables["cities"].alias()
        return (partnerships.join(home, home.c.id == partnerships.c.home_city_id)
                .join(partner, partner.c.id == partnerships.c.partner_city_id)
                .select().with_only_columns(
                    literal(kind).label("kind"), partnerships.c.id.label("id"),
                    cast(home.c.name + literal(" – ") + partner.c.name, String).label("name"),
                    cast(null(), String).label("subtype"), cast(literal(0), Integer).label("gone"))
                .where(partnerships.c.id.in_(sorted(ids))))
    table = tables[kind]
    gone = (cast(table.c.deleted_at.is_not(None), Integer) if "deleted_at" in table.c
            else cast(literal(0), Integer))
    subtype = table.c.record_type if "record_type" in table.c else cast(null(), String)
    return (table.select().with_only_columns(
        literal(kind).label("kind"), table.c.id.label("id"), cast(table.c[NAME_COLUMNS[kind]], String).label("name"),
        cast(subtype, String).label("subtype"), gone.label("gone"))
        .where(table.c.id.in_(sorted(ids))))


def record_names(wanted: dict[str, set[int]]) -> dict[tuple[str, int], Name]:
    """The name of every (kind, id) asked for that still exists, in one query whatever the kinds and counts."""
    parts = [_select(kind, ids) for kind, ids in sorted(wanted.items()) if ids]
    if not parts:
        return {}
    query = parts[0] if len(parts) == 1 else union_all(*parts)
    return {(row.kind, row.id): Name(row.name or "", row.subtype, bool(row.gone))
            for row in db.session.execute(query)}
