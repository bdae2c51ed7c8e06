"""Demo data for hosting (issue 22 §6): six Portland host households (languages English, Japanese and Spanish,
one or three beds, one with a dog, one whose police check has expired and one whose check runs out within weeks),
a volunteer driver, and the Kyoto youth delegation's partner-side participants (seeded by the rosters demo)
placed by the suggestion: the teacher with the family Kyoto asked for, the pupils only with vetted households,
two placements still waiting for the coordinator's confirmation."""
from datetime import date, timedelta

from sqlalchemy import select

from crm.contacts.models import Contact
from crm.engagements.models import Engagement
from crm.enums import HelperKind, Side, Visibility
from crm.extensions import db
from crm.protocol.hosting.board import guest_data, household_data
from crm.protocol.hosting.suggest import suggest
from crm.protocol.models import Helper, Placement, RosterEntry
from crm.settings.service import office_settings

KYOTO = 1857910
#: (household, person, letters in, languages, beds, pets, smoking, step-free, vetted days ago, expires in days)
HOUSEHOLDS = [
    ("The Okada-Brooks family", "Keiko Okada-Brooks", "ja", "ja, en", 3, False, False, True, 400, 700),
    ("The Miller family", "Susan Miller", "en", "en, ja", 2, False, False, False, 300, 800),
    ("The García family", "Lucía García", "es", "es, en", 2, True, False, True, 200, 900),
    ("The Nakamura-Lee family", "Ken Nakamura-Lee", "en", "en, ja", 2, False, False, False, 1000, 40),
    ("The Johnson household", "Mark Johnson", "en", "en", 2, False, False, False, 1120, -25),
    ("The Ruiz family", "Ana Ruiz", "es", "es, en", 1, False, False, False, 150, 950),
]
ADDRESSES = ["2217 NE Tillamook St\nPortland, OR 97212", "4410 SE Woodstock Blvd\nPortland, OR 97206",
             "1630 N Killingsworth St\nPortland, OR 97217", "3115 SW Hamilton St\nPortland, OR 97239",
             "820 NW Naito Pkwy\nPortland, OR 97209", "5902 SE Foster Rd\nPortland, OR 97206"]


def _helpers(partnership, today: date) -> list[Helper]:
    helpers = []
    for n, (household, person, language, spoken, beds, pets, smoking, step_free, ago, expires) in enumerate(HOUSEHOLDS):
        contact = Contact(partnership_id=partnership.id, side=Side.HOME, name=person, language=language,
                          languages=spoken, phone=f"+1 503 555 01{n:02d}", email=None, town="Portland", country="US",
                          visibility=Visibility.STAFF_ONLY)
        db.session.add(contact)
        db.session.flush()
        helper = Helper(contact_id=contact.id, kind=HelperKind.HOUSEHOLD, household_name=household,
                        address=ADDRESSES[n], phone=contact.phone, languages=spoken, rooms=max(beds - 1, 1), beds=beds,
                        pets=pets, smoking=smoking, step_free=step_free, vetted_on=today - timedelta(days=ago),
                        vetting_expires_on=today + timedelta(days=expires),
                        vetting_result="Clear (enhanced background check)" if expires > 0 else "Clear, renewal due",
                        notes="A dog (friendly, large)." if pets else None)
        db.session.add(helper)
        helpers.append(helper)
    driver = Contact(partnership_id=partnership.id, side=Side.HOME, name="Tom Becker", language="en", languages="en",
                     phone="+1 503 555 0199", visibility=Visibility.STAFF_ONLY)
    db.session.add(driver)
    db.session.flush()
    db.session.add(Helper(contact_id=driver.id, kind=HelperKind.DRIVER, phone=driver.phone, languages="en",
                          vetted_on=today - timedelta(days=90), vetting_expires_on=today + timedelta(days=1000),
                          notes="Minivan, seven seats."))
    db.session.flush()
    return helpers


def seed_hosting(partnerships_by_geonames: dict, users: dict, today: date) -> None:
    """Called by seed_demo after the rosters; partnerships_by_geonames: geonames id → Partnership (Kyoto 1857910
    and Cairo 360630 have guests); users: Role → the demo User."""
    office_settings().emergency_phone = "+1 503 555 0199"  # on the chaperones' emergency sheet
    kyoto = partnerships_by_geonames.get(KYOTO)
    if kyoto is None:
        return
    helpers = _helpers(kyoto, today)
    # the Kyoto visit: the partnership's engagement with the most partner-side participants (the rosters demo's)
    visit_id = db.session.scalar(
        select(RosterEntry.engagement_id).join(Engagement, Engagement.id == RosterEntry.engagement_id)
        .where(Engagement.partnership_id == kyoto.id, RosterEntry.side == Side.PARTNER, Engagement.occurred_on >= today)
        .group_by(RosterEntry.engagement_id).order_by(db.func.count().desc(), RosterEntry.engagement_id).limit(1))
    if visit_id is None:
        return
    visit = db.session.get(Engagement, visit_id)
    entries = list(db.session.scalars(select(RosterEntry).where(RosterEntry.engagement_id == visit.id,
                                                                 RosterEntry.side == Side.PARTNER)
                                      .order_by(RosterEntry.id)))
    for entry in entries:
        if not entry.contact.languages:
            entry.contact.languages = "ja" if entry.minor else "ja, en"
    if entries:
        entries[-1].requested_helper_id = helpers[0].id  # Kyoto asked for the family that hosted its teachers
        entries[0].no_pets = True  # an allergy
    db.session.flush()
    result = suggest([guest_data(entry, visit) for entry in entries], [household_data(h, []) for h in helpers])
    for n, choice in enumerate(result.placed):
        db.session.add(Placement(engagement_id=visit.id, roster_entry_id=choice.entry_id, helper_id=choice.helper_id,
                                 suggested=n >= len(result.placed) - 2))
    db.session.flush()
