"""Demo data for people (issue 22 §1): an interpreter and a host family who serve both Kyoto and a second
partnership (Busan, else the first other one), each linked to both; and two records of one Kyoto official
(the same e-mail in another case, the name in the other order) waiting on the duplicates page to be merged."""
from datetime import date

from sqlalchemy import select

from crm.contacts.models import Contact, Organization, PersonLink
from crm.enums import OrganizationKind, Side, Visibility
from crm.extensions import db

KYOTO, BUSAN = 1857910, 1838524


def _organization(partnership, side: Side, name: str, kind: OrganizationKind) -> Organization:
    found = db.session.scalar(select(Organization).where(Organization.partnership_id == partnership.id,
                                                         Organization.name == name))
    if found is None:
        found = Organization(partnership_id=partnership.id, side=side, name=name, kind=kind)
        db.session.add(found)
        db.session.flush()
    return found


def seed_people(partnerships_by_geonames: dict, users: dict, today: date) -> None:
    """Called by seed_demo after the programs and governance; partnerships_by_geonames: geonames id →
    Partnership (Kyoto 1857910 and Cairo 360630 have guests); users: Role → the demo User."""
    kyoto = partnerships_by_geonames.get(KYOTO)
    if kyoto is None:
        return
    second = partnerships_by_geonames.get(BUSAN) or next(
        (p for gid, p in sorted(partnerships_by_geonames.items()) if gid != KYOTO), None)
    association = _organization(kyoto, Side.HOME, "Portland–Kyoto Sister City Association",
                                OrganizationKind.BILATERAL)
    interpreter = Contact(
        partnership_id=kyoto.id, side=Side.HOME, name="Mariko Hayashi-Evans", name_native="林 真理子",
        name_romanized="HAYASHI Mariko", passport_name="HAYASHI EVANS MARIKO", honorific="Ms.",
        job_title="Interpreter (Japanese and Korean)", email="mariko.interpreting@example.org",
        phone="+1 503 555 0142", language="en", languages="en, ja, ko", town="Portland", country="US",
        organization_id=association.id, visibility=Visibility.SHARED,
        notes="Freelance; book three weeks ahead for council visits.")
    host = Contact(
        partnership_id=kyoto.id, side=Side.HOME, name="David and Grace Park", name_romanized="PARK David",
        job_title="Host family", email="parks.hosting@example.org", phone="+1 503 555 0178", language="en",
        languages="en, ko, ja", town="Beaverton", country="US", visibility=Visibility.SHARED,
        notes="Two guest rooms; have hosted Kyoto and Busan students since 2019.")
    city_office = _organization(kyoto, Side.PARTNER, "Kyoto City International Relations Office",
                                OrganizationKind.GOVERNMENT)
    official = Contact(
        partnership_id=kyoto.id, side=Side.PARTNER, name="Tanaka Yuki", name_native="田中 由紀",
        name_romanized="TANAKA Yuki", family_name_first=True, honorific="課長",
        job_title="Section Chief, International Relations", email="tanaka.yuki@city.kyoto.example",
        language="ja", languages="ja, en", town="Kyoto", country="JP", organization_id=city_office.id,
        visibility=Visibility.SHARED)
    official_again = Contact(  # entered again from a business card at the festival: merge it into the first
        partnership_id=kyoto.id, side=Side.PARTNER, name="Yuki Tanaka", job_title="International Relations",
        email="Tanaka.Yuki@city.kyoto.example", phone="+81 75 222 3072", organization_id=city_office.id,
        visibility=Visibility.STAFF_ONLY)
    db.session.add_all([interpreter, host, official, official_again])
    db.session.flush()  # their own partnership's links are written with them
    if second is not None:
        db.session.add_all([
            PersonLink(contact_id=interpreter.id, partnership_id=second.id, side=Side.HOME,
                       role="Interpreter (Korean)", visibility=Visibility.SHARED),
            PersonLink(contact_id=host.id, partnership_id=second.id, side=Side.HOME, role="Host family",
                       visibility=Visibility.SHARED),
        ])
        db.session.flush()
