"""Demo data for privacy (issue 22 §7): the demo administrator holds the protocol and safeguarding permission
(the coordinator and the viewer do not, so signing in as them shows what others see), a few people of the
Kyoto and Cairo partnerships have passports, dates of birth, dietary and medical notes, and the office keeps
them as a careful office would."""
from datetime import date

from sqlalchemy import select

from crm.contacts.models import Contact
from crm.extensions import db
from crm.roles import Role
from crm.settings.models import RetentionRule

KYOTO, CAIRO = 1857910, 360630
#: field → days kept after the visit ends
RULES = {"contacts.medical_notes": 30, "contacts.dietary_needs": 90, "contacts.passport_number": 365,
         "contacts.date_of_birth": 365, "helpers.vetting_result": 1095}
#: per partnership, for its first contacts in turn: passport, date of birth, dietary needs, medical and access notes
PEOPLE = {
    KYOTO: [("TK4821937", date(1968, 4, 12), "No pork; small portions", None),
            ("TR0937712", date(1985, 11, 3), "Vegetarian (eats fish)", "Severe peanut allergy: carries an EpiPen"),
            ("TZ5510284", date(2008, 6, 21), "Halal", "Asthma: inhaler in her bag; step-free rooms")],
    CAIRO: [("A20981134", date(1972, 1, 30), "Halal; no alcohol in sauces", None),
            ("A31190457", date(1990, 9, 9), None, "Uses a wheelchair: step-free venues and transport")],
}


def seed_privacy(partnerships_by_geonames: dict, users: dict, today: date) -> None:
    """Called by seed_demo after the programs and governance; partnerships_by_geonames: geonames id →
    Partnership (Kyoto 1857910 and Cairo 360630 have guests); users: Role → the demo User."""
    users[Role.ADMIN].protocol_access = True
    for geonames_id, people in PEOPLE.items():
        partnership = partnerships_by_geonames.get(geonames_id)
        if partnership is None:
            continue
        contacts = db.session.scalars(select(Contact).where(Contact.partnership_id == partnership.id)
                                      .order_by(Contact.id).limit(len(people))).all()
        for contact, (passport, born, diet, medical) in zip(contacts, people, strict=False):
            contact.passport_number, contact.date_of_birth = passport, born
            contact.dietary_needs, contact.medical_notes = diet, medical
    existing = set(db.session.scalars(select(RetentionRule.field)))
    db.session.add_all(RetentionRule(field=name, days=days) for name, days in RULES.items() if name not in existing)
    db.session.flush()
