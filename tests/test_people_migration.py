"""Issue 22 §1: existing people migrate without loss. A database at the revision before people and protocol
(39bd6d99dabb) holds contacts of both sides, shared and staff-only, with and without organizations, a mission's
delegates and guests (their access and invitations); upgraded to head, every one of them is still there with the
same values, and each contact has exactly one link: its partnership, side, organization, job title as its role,
and its visibility. On both databases, in a scratch database of the test's own."""
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_migrate import upgrade

from tests.test_migration_history import MIGRATIONS, app_on, migrate, scratch_database  # noqa: F401 (fixture)

BEFORE = "39bd6d99dabb"
NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
STAMPS = {"created_at": NOW, "updated_at": NOW}
#: the tables whose rows must come through the upgrade unchanged
KEPT = ("contacts", "organizations", "mission_delegates", "guest_access", "invitations", "users", "partnerships")


def _insert(connection, tables, table_name: str, **values) -> int:
    table = tables.tables[table_name]
    stamps = {key: value for key, value in STAMPS.items() if key in table.c and key not in values}
    return connection.execute(sa.insert(table).values(**stamps, **values)).inserted_primary_key[0]


def _fill(connection) -> None:
    """Two partnerships, each with contacts of both sides (shared and staff-only, one with an organization and
    a job title, one with neither), a mission with delegates, and a guest with access and an invitation."""
    tables = sa.MetaData()
    tables.reflect(connection, only=("cities", "partnerships", "organizations", "contacts", "users",
                                     "engagements", "trade_missions", "mission_delegates", "guest_access",
                                     "invitations"))
    home = _insert(connection, tables, "cities", name="Portland", country_code="US")
    for n, (city, country) in enumerate((("Kyoto", "JP"), ("Cairo", "EG"))):
        partner = _insert(connection, tables, "cities", name=city, country_code=country)
        partnership = _insert(connection, tables, "partnerships", home_city_id=home, partner_city_id=partner,
                              kind="sister_city", status="active")
        university = _insert(connection, tables, "organizations", partnership_id=partnership, side="partner",
                             name=f"{city} University", kind="university")
        chamber = _insert(connection, tables, "organizations", partnership_id=partnership, side="home",
                          name="Portland Chamber", kind="chamber")
        people = [
            _insert(connection, tables, "contacts", partnership_id=partnership, side="partner",
                    name=f"{city} Professor", job_title="Dean of Engineering", email=f"dean{n}@example.org",
                    organization_id=university, visibility="shared", language="ja" if n == 0 else "ar",
                    notes="Met at the 2024 fair", version=3),
            _insert(connection, tables, "contacts", partnership_id=partnership, side="partner",
                    name=f"{city} Official", visibility="staff_only"),
            _insert(connection, tables, "contacts", partnership_id=partnership, side="home", name="Our Director",
                    job_title="Director", organization_id=chamber, visibility="staff_only", phone="+1 503 555 0100"),
            _insert(connection, tables, "contacts", partnership_id=partnership, side="home", name="Our Mayor",
                    job_title="Mayor", visibility="shared"),
        ]
        mission = _insert(connection, tables, "engagements", partnership_id=partnership, record_type="trade_mission",
                          kind="trade_mission", occurred_on=date(2026, 5, 1), title=f"Mission to {city}",
                          substantive=True, visibility="shared", initiated_by="home", logged_by_side="home")
        connection.execute(sa.insert(tables.tables["trade_missions"]).values(
            id=mission, direction="outbound", ends_on=date(2026, 5, 4)))
        _insert(connection, tables, "mission_delegates", mission_id=mission, contact_id=people[2], role="lead")
        _insert(connection, tables, "mission_delegates", mission_id=mission, contact_id=people[3])
        _insert(connection, tables, "mission_delegates", mission_id=mission, organization_id=chamber, role="sponsor")
        guest = _insert(connection, tables, "users", email=f"guest{n}@example.org", name=f"{city} Guest",
                        role="guest", active=True)
        _insert(connection, tables, "guest_access", user_id=guest, partnership_id=partnership,
                contact_id=people[0], active=True)
        _insert(connection, tables, "invitations", partnership_id=partnership, contact_id=people[0],
                email=f"dean{n}@example.org", token_hash=f"{n}".ljust(64, "a"), expires_at=NOW, sent_at=NOW,
                accepted_at=NOW, user_id=guest)
        _insert(connection, tables, "invitations", partnership_id=partnership, contact_id=people[1],
                email=f"official{n}@example.org", token_hash=f"{n}".ljust(64, "b"), expires_at=NOW, sent_at=NOW)


def _rows(connection, table: str) -> list[dict]:
    """Every row of a table as plain values, by id; datetimes compared as instants."""
    reflected = sa.Table(table, sa.MetaData(), autoload_with=connection)
    rows = connection.execute(sa.select(reflected).order_by(reflected.c.id)).mappings().all()
    return [{key: (value.astimezone(UTC).replace(tzinfo=None) if isinstance(value, datetime) and value.tzinfo
                   else value) for key, value in row.items()} for row in rows]


def test_contacts_delegates_and_guests_come_through_with_one_link_each(scratch_database):  # noqa: F811
    with app_on(scratch_database("people_migration")) as engine:
        with engine.begin() as connection:
            migrate(connection, MIGRATIONS, BEFORE)
            _fill(connection)
        with engine.connect() as connection:
            before = {table: _rows(connection, table) for table in KEPT}
        # as `flask db upgrade` runs it: the migrations on a connection of their own (on SQLite, a rebuilt
        # contacts or users table must not take the rows pointing at it along)
        upgrade(directory=str(MIGRATIONS))
        with engine.connect() as connection:
            after = {table: _rows(connection, table) for table in KEPT}
            links = _rows(connection, "person_links")
        for table in KEPT:
            assert len(after[table]) == len(before[table]), table
            for old, new in zip(before[table], after[table], strict=True):
                # the upgrade adds columns (protocol fields, the protocol permission); every old one is unchanged
                assert {key: new[key] for key in old} == old, table
        contacts = after["contacts"]
        assert len(contacts) == 8
        assert len(links) == len(contacts)  # exactly one each
        by_contact = {link["contact_id"]: link for link in links}
        for contact in contacts:
            link = by_contact[contact["id"]]
            assert (link["partnership_id"], link["side"], link["organization_id"], link["role"],
                    link["visibility"]) == (contact["partnership_id"], contact["side"], contact["organization_id"],
                                            contact["job_title"], contact["visibility"]), contact["name"]
            assert link["version"] == 1
        # the new protocol fields start empty, the name order given name first
        assert all(c["name_native"] is None and not c["family_name_first"] and c["passport_number"] is None
                   for c in contacts)
        assert {c["name"] for c in contacts if c["organization_id"]} == {
            "Kyoto Professor", "Cairo Professor", "Our Director"}
