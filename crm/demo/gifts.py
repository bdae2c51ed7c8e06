"""Demo data for the gift register (issue 22 §4): a threshold of 100 US dollars and a 10-day deadline; Kyoto's
Kutani porcelain vase received and the city key given at the latest visit, with gifts of an earlier year given
before; Cairo's papyrus, recorded late; a gift under the threshold (left out of the published register); and a
courtesy visit that ended three days ago with its gifts still to record (the dashboard's "Gifts to record")."""
from datetime import date, timedelta

from sqlalchemy import select

from crm.contacts import names
from crm.contacts.models import Contact
from crm.engagements.models import Engagement
from crm.enums import EngagementKind, GiftDirection, GiftDisposition, Side
from crm.extensions import db
from crm.protocol.models import Gift
from crm.roles import Role
from crm.settings.service import office_settings

KYOTO, CAIRO = 1857910, 360630
#: where a gift may have changed hands
OCCASIONS = (EngagementKind.VISIT, EngagementKind.EVENT, EngagementKind.CEREMONY, EngagementKind.TRADE_MISSION)


def _occasion(partnership, before: date) -> Engagement | None:
    """The partnership's latest visit, event, ceremony or mission before a day, else its latest engagement."""
    latest = (select(Engagement).where(Engagement.partnership_id == partnership.id, Engagement.occurred_on <= before)
              .order_by(Engagement.occurred_on.desc(), Engagement.id.desc()).limit(1))
    return (db.session.scalar(latest.where(Engagement.kind.in_(OCCASIONS))) or db.session.scalar(latest))


def _partner_contact(partnership) -> Contact | None:
    return db.session.scalar(select(Contact).where(Contact.partnership_id == partnership.id,
                                                   Contact.side == Side.PARTNER).order_by(Contact.id).limit(1))


def seed_gifts(partnerships_by_geonames: dict, users: dict, today: date) -> None:
    """Called by seed_demo after the programs and governance; partnerships_by_geonames: geonames id →
    Partnership (Kyoto 1857910 and Cairo 360630 have guests); users: Role → the demo User."""
    settings = office_settings()
    settings.gift_threshold_minor, settings.gift_threshold_currency, settings.gift_deadline_days = 10_000, "USD", 10
    recorder = users[Role.COORDINATOR]
    office = settings.office_name
    kyoto, cairo = partnerships_by_geonames.get(KYOTO), partnerships_by_geonames.get(CAIRO)
    gifts = []

    def gift(partnership, days_ago: int, recorded_after: int = 2, **fields) -> None:
        given_on = today - timedelta(days=days_ago)
        gifts.append(Gift(partnership_id=partnership.id, given_on=given_on,
                          recorded_on=min(given_on + timedelta(days=recorded_after), today),
                          recorded_by_id=recorder.id, **fields))

    if kyoto is not None:
        visit = _occasion(kyoto, today - timedelta(days=30))
        mayor = _partner_contact(kyoto)
        mayor_name = names.addressed(mayor) if mayor else "Mayor of Kyoto"
        gift(kyoto, 38, direction=GiftDirection.RECEIVED, engagement_id=visit.id if visit else None,
             from_name=mayor_name, from_contact_id=mayor.id if mayor else None, to_name="The Mayor, for the city",
             description="Kutani porcelain vase in the aka-e style, with the crest of Kyoto", value_minor=180_000,
             currency="JPY", disposition=GiftDisposition.DISPLAYED)
        gift(kyoto, 38, direction=GiftDirection.GIVEN, engagement_id=visit.id if visit else None, from_name=office,
             to_name=mayor_name, to_contact_id=mayor.id if mayor else None,
             description="Ceremonial key to the city in engraved silver, in a walnut case", value_minor=25_000,
             currency="USD", disposition=GiftDisposition.GIVEN_AWAY)
        gift(kyoto, 38, direction=GiftDirection.GIVEN, engagement_id=visit.id if visit else None, from_name=office,
             to_name="Kyoto delegation", description="Lapel pins and city guidebooks for the delegation",
             value_minor=4_000, currency="USD")  # under the threshold: not in the published register
        gift(kyoto, 420, direction=GiftDirection.GIVEN, from_name=office, to_name="Kyoto City International Office",
             occasion="Anniversary reception", description="Framed photograph of the harbour at dawn",
             value_minor=15_000, currency="USD", disposition=GiftDisposition.GIVEN_AWAY)
        gift(kyoto, 420, direction=GiftDirection.RECEIVED, from_name="Kyoto City International Office",
             to_name=office, occasion="Anniversary reception", description="Nishijin-ori silk wall hanging",
             value_minor=60_000, currency="JPY", disposition=GiftDisposition.ARCHIVED)
        # a courtesy visit that has just ended: its gifts are the dashboard's "Gifts to record"
        db.session.add(Engagement(partnership_id=kyoto.id, kind=EngagementKind.VISIT, substantive=False,
                                  occurred_on=today - timedelta(days=3), logged_by_id=recorder.id,
                                  title="Courtesy visit of the Kyoto youth orchestra's conductors"))
    if cairo is not None:
        visit = _occasion(cairo, today - timedelta(days=60))
        governor = _partner_contact(cairo)
        governor_name = names.addressed(governor) if governor else "Governor of Cairo"
        gift(cairo, 75, recorded_after=26, direction=GiftDirection.RECEIVED,
             engagement_id=visit.id if visit else None, from_name=governor_name,
             from_contact_id=governor.id if governor else None, to_name="The Mayor, for the city",
             description="Papyrus painting of the Nile at Giza, signed by the artist", value_minor=450_000,
             currency="EGP", disposition=GiftDisposition.DISPLAYED)  # recorded 16 days late
        gift(cairo, 75, direction=GiftDirection.GIVEN, engagement_id=visit.id if visit else None, from_name=office,
             to_name=governor_name, to_contact_id=governor.id if governor else None,
             description="Engraved crystal bowl with the city's skyline", value_minor=18_000, currency="USD",
             disposition=GiftDisposition.GIVEN_AWAY)
        gift(cairo, 300, direction=GiftDirection.RECEIVED, from_name="Cairo Governorate protocol office",
             to_name=office, occasion="Delegation visit", description="Hand-hammered brass lantern from Khan el-Khalili",
             value_minor=200_000, currency="EGP", disposition=GiftDisposition.DONATED)
    db.session.add_all(gifts)
    db.session.flush()
