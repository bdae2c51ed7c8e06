"""A realistic demo portfolio: Portland, Oregon and its partner cities.

Deterministic (a fixed random seed) and relative to today, so the demo
always shows thriving, quiet, at-risk and greetings-only partnerships.
"""
import random
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from crm.auth.models import User
from crm.cities.gazetteer import gazetteer
from crm.cities.native import correct
from crm.cities.service import city_from_gazetteer
from crm.clock import office_today
from crm.contacts.models import Contact, Organization, OrganizationKind
from crm.demo.anniversaries import seed_anniversaries
from crm.demo.commitments import seed_commitments
from crm.demo.costs import seed_costs
from crm.demo.gifts import seed_gifts
from crm.demo.hosting import seed_hosting
from crm.demo.letters import seed_letters
from crm.demo.negotiation import seed_negotiation
from crm.demo.people import seed_people
from crm.demo.plans import seed_plans
from crm.demo.privacy import seed_privacy
from crm.demo.public import seed_public
from crm.demo.programs import seed_programs
from crm.demo.reports import seed_reports
from crm.demo.reviews import seed_reviews
from crm.demo.rosters import seed_rosters
from crm.engagements.models import Engagement, EngagementKind, Pillar, Visibility
from crm.extensions import db
from crm.guests.models import GuestAccess
from crm.partnerships.models import Partnership, PartnershipKind, PartnershipStatus, Priority, Side
from crm.roles import Role
from crm.settings.service import add_home_city, office_settings

DEMO_PASSWORD = "sister-cities-demo"
DEMO_USERS = [
    ("admin@demo.example", "Ada Lindqvist", Role.ADMIN),
    ("coordinator@demo.example", "Carlos Mendoza", Role.COORDINATOR),
    ("viewer@demo.example", "Vera Okafor", Role.VIEWER),
]
HOME_GEONAMES_ID = 5746545  # Portland, Oregon


@dataclass
class Partner:
    geonames_id: int
    native_name: str | None
    kind: PartnershipKind
    status: PartnershipStatus
    since: int  # year established
    pattern: str  # thriving, steady, quiet, greetings, at_risk, planned_revival, new
    priorities: tuple[Priority, ...]
    contact: tuple[str, str, str]  # name, title, language
    organization: tuple[str, OrganizationKind]

    @classmethod
    def from_toml(cls, spec: dict) -> "Partner":
        contact, organization = spec["contact"], spec["organization"]
        return cls(spec["geonames_id"], spec.get("native_name"), PartnershipKind(spec["kind"]),
                   PartnershipStatus(spec["status"]), spec["since"], spec["pattern"],
                   tuple(Priority(p) for p in spec["priorities"]),
                   (contact["name"], contact["title"], contact["language"]),
                   (organization["name"], OrganizationKind(organization["kind"])))


def partners() -> list[Partner]:
    """The partner cities, in order, from portfolio.toml beside this module (data, kept out of the code)."""
    with (Path(__file__).parent / "portfolio.toml").open("rb") as file:
        return [Partner.from_toml(spec) for spec in tomllib.load(file)["partner"]]


SUBSTANTIVE = [
    (EngagementKind.MEETING, "Working meeting on the joint work plan", Pillar.GOVERNMENT),
    (EngagementKind.VISIT, "University delegation visit", Pillar.EDUCATION),
    (EngagementKind.EVENT, "Joint cultural festival", Pillar.CULTURE),
    (EngagementKind.CALL, "Call on the trade fair programme", Pillar.BUSINESS),
    (EngagementKind.MEETING, "Airline route working group", Pillar.CONNECTIVITY),
    (EngagementKind.VISIT, "Business delegation to the partner city", Pillar.BUSINESS),
    (EngagementKind.MEETING, "Student exchange planning meeting", Pillar.EDUCATION),
]
PROTOCOL = [
    (EngagementKind.LETTER, "Anniversary greetings from the mayor"),
    (EngagementKind.CEREMONY, "Anniversary ceremony at City Hall"),
    (EngagementKind.LETTER, "New Year greetings"),
]


def _engagement_dates(pattern: str, today: date, rng: random.Random) -> tuple[list[date], list[date], list[date]]:
    """(substantive dates, protocol dates, planned dates) for a pattern, over five years."""
    start = today - timedelta(days=5 * 365)

    def spread(first: date, last: date, every_days: int) -> list[date]:
        days, current = [], first
        while current <= last:
            days.append(current)
            current += timedelta(days=max(7, int(every_days * rng.uniform(0.6, 1.4))))
        return days

    greetings = [date(year, 5, 12) for year in range(start.year + 1, today.year + 1) if date(year, 5, 12) <= today]
    if pattern == "thriving":
        return spread(start, today - timedelta(days=10), 45), greetings, [today + timedelta(days=40)]
    if pattern == "steady":
        return spread(start, today - timedelta(days=60), 110), greetings, []
    if pattern == "quiet":
        return spread(start, today - timedelta(days=3 * 365), 150), greetings[:2], []
    if pattern == "greetings":
        return spread(start, start + timedelta(days=200), 120), greetings, []
    if pattern == "at_risk":
        return spread(start, today - timedelta(days=320), 130), greetings, []
    if pattern == "planned_revival":
        return spread(start, today - timedelta(days=2 * 365), 160), greetings, [today + timedelta(days=75)]
    return [], [], [today + timedelta(days=30)]  # new


def seed_demo(today: date | None = None) -> bool:
    """Load the demo portfolio unless it is already there. Returns whether it loaded."""
    if db.session.scalar(select(User).where(User.email == DEMO_USERS[0][0])) is not None:
        return False
    today = today or office_today()
    rng = random.Random(20261125)
    users = {}
    for email, name, role in DEMO_USERS:
        user = User(email=email, name=name, role=role, language="en")
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        users[role] = user
    liaisons = [users[Role.COORDINATOR], users[Role.ADMIN]]

    home = city_from_gazetteer(gazetteer().get(HOME_GEONAMES_ID))
    add_home_city(home, make_default=True)
    office_settings().office_name = "Portland Office of International Affairs"

    partnerships_by_geonames = {}
    for index, spec in enumerate(partners()):
        city = city_from_gazetteer(gazetteer().get(spec.geonames_id))
        if spec.native_name:  # the office's own correction of the gazetteer's name, confirmed
            db.session.flush()
            correct(city, spec.native_name, city.native_name_lang, users[Role.COORDINATOR])
        partnership = Partnership(
            home_city=home, partner_city=city, kind=spec.kind, status=spec.status,
            established_on=(today - timedelta(days=120) if spec.pattern == "new"
                            else date(spec.since, rng.randint(1, 12), rng.randint(1, 28))),
            liaison=liaisons[index % 2],
            summary=f"{home.name} and {city.name} have been partners since {spec.since}.",
            staff_notes="Internal: budget for the next delegation is not yet approved.",
        )
        partnership.priorities = spec.priorities
        db.session.add(partnership)
        partnerships_by_geonames[spec.geonames_id] = partnership
        organization = Organization(partnership=partnership, side=Side.PARTNER, name=spec.organization[0],
                                    kind=spec.organization[1])
        db.session.add_all([
            organization,
            Organization(partnership=partnership, side=Side.HOME, name="Portland State University",
                         kind=OrganizationKind.UNIVERSITY),
            Contact(partnership=partnership, side=Side.PARTNER, name=spec.contact[0], job_title=spec.contact[1],
                    language=spec.contact[2], organization=organization,
                    email=f"partner{index + 1}@partner.demo.example"),
            Contact(partnership=partnership, side=Side.HOME, name=users[Role.COORDINATOR].name,
                    job_title="Sister City Coordinator", language="en", email="coordinator@demo.example"),
        ])
        substantive, protocol, planned = _engagement_dates(spec.pattern, today, rng)
        for day in substantive:
            kind, title, pillar = rng.choice(SUBSTANTIVE)
            partner_started = rng.random() < 0.35
            db.session.add(Engagement(
                partnership=partnership, kind=kind, occurred_on=day, title=title, pillar=pillar, substantive=True,
                initiated_by=Side.PARTNER if partner_started else Side.HOME, logged_by=liaisons[index % 2],
                visibility=Visibility.STAFF_ONLY if rng.random() < 0.15 else Visibility.SHARED,
                notes="Follow-up actions agreed; minutes filed." if rng.random() < 0.5 else None,
            ))
        for day in protocol:
            kind, title = rng.choice(PROTOCOL)
            db.session.add(Engagement(partnership=partnership, kind=kind, occurred_on=day, title=title,
                                      substantive=False, logged_by=liaisons[index % 2]))
        for day in planned:
            db.session.add(Engagement(partnership=partnership, kind=EngagementKind.VISIT, occurred_on=day,
                                      title="Planned delegation visit", substantive=True, pillar=Pillar.GOVERNMENT,
                                      logged_by=liaisons[index % 2]))
    db.session.flush()
    seed_programs(partnerships_by_geonames, users[Role.COORDINATOR], today)
    seed_guests(partnerships_by_geonames)
    for seed in (seed_plans, seed_reviews, seed_commitments, seed_anniversaries, seed_negotiation, seed_reports):
        seed(partnerships_by_geonames, users, today)
    db.session.flush()
    # People, delegations and protocol (issue 22): rosters before what hangs on them (costs, hosts, letters)
    for seed in (seed_people, seed_privacy, seed_rosters, seed_costs, seed_hosting, seed_gifts, seed_letters):
        seed(partnerships_by_geonames, users, today)
    db.session.flush()
    seed_public(partnerships_by_geonames, users, today)  # the public face (issue 23): last, it publishes the above
    return True


#: demo guests: a partner-side contact of Kyoto and one of Cairo
DEMO_GUESTS = [("guest.kyoto@demo.example", 1857910, "ja"), ("guest.cairo@demo.example", 360630, "ar")]


def seed_guests(partnerships_by_geonames: dict) -> None:
    for email, geonames_id, language in DEMO_GUESTS:
        partnership = partnerships_by_geonames[geonames_id]
        contact = db.session.scalars(select(Contact).where(Contact.partnership_id == partnership.id,
                                                           Contact.side == Side.PARTNER)).first()
        contact.email = email
        guest = User(email=email, name=contact.name, role=Role.GUEST, language="en",
                     timezone=partnership.partner_city.timezone)
        guest.set_password(DEMO_PASSWORD)
        db.session.add_all([guest, GuestAccess(user=guest, partnership=partnership, contact=contact)])
    db.session.flush()
