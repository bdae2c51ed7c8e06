"""Demo data for costs (issue 22 §3): Kyoto's past food and beverage mission with its budget and actual costs in
dollars and yen (part of it paid by Kyoto) and its council approval; the clean-tech mission to Kyoto, budgeted and
approved by the City Manager; the grant that flies Kyoto's youth delegation here (its officials are disclosed);
and a heritage staff exchange to Cairo in three weeks, in dollars and euros (a grant and Cairo pay their share),
with no approval yet, so the dashboard lists it."""
from datetime import date, timedelta

from sqlalchemy import select

from crm.engagements.models import Engagement
from crm.enums import (
    CostCategory,
    CostStage,
    ExchangeDirection,
    ExchangeKind,
    ParticipantRole,
    Payer,
    Pillar,
    Side,
    Visibility,
)
from crm.extensions import db
from crm.programs.exchanges.models import Exchange
from crm.programs.missions.models import TradeMission
from crm.protocol.models import CostLine, TripApproval
from crm.roles import Role

KYOTO, CAIRO = 1857910, 360630
B, A = CostStage.BUDGET, CostStage.ACTUAL
C = CostCategory
#: (stage, category, description, minor units, currency, paid by, payer's name)
FOOD_MISSION = [
    (B, C.TRAVEL, "Return flights Portland–Osaka, four delegates", 5_000_00, "USD", Payer.CITY, None),
    (B, C.LODGING, "Hotel in Kyoto, four nights", 420_000, "JPY", Payer.CITY, None),
    (A, C.TRAVEL, "Return flights Portland–Osaka, four delegates", 4_860_00, "USD", Payer.CITY, None),
    (A, C.LODGING, "Hotel in Kyoto, four nights", 396_000, "JPY", Payer.CITY, None),
    (A, C.MEALS, "Welcome dinner hosted by Kyoto", 85_000, "JPY", Payer.PARTNER,
     "Kyoto City International Relations Office"),
    (A, C.LOCAL_TRANSPORT, "Shinkansen and taxis", 38_400, "JPY", Payer.TRAVELLER, None),
]
CLEAN_TECH_MISSION = [
    (B, C.TRAVEL, "Return flights Portland–Osaka, six delegates", 7_200_00, "USD", Payer.CITY, None),
    (B, C.LODGING, "Hotel in Kyoto, three nights", 540_000, "JPY", Payer.CITY, None),
    (B, C.VENUE, "Business matchmaking session", 150_000, "JPY", Payer.SPONSOR, "Portland Business Alliance"),
    (B, C.INTERPRETATION, "Interpreter, three days", 180_000, "JPY", Payer.CITY, None),
]
YOUTH_DELEGATION = [
    (A, C.TRAVEL, "Group flights Osaka–Portland", 1_440_000, "JPY", Payer.GRANT, "Japan Foundation"),
    (B, C.MEALS, "Meals during the week in Portland", 1_800_00, "USD", Payer.CITY, None),
]
#: our delegation to Cairo: (name, role, who funds them)
CAIRO_TRAVELLERS = [
    ("Sarah Collins", ParticipantRole.OFFICIAL, Payer.CITY),
    ("Laura Bennett", ParticipantRole.DELEGATE, Payer.GRANT),
    ("Tom Alvarez", ParticipantRole.STAFF, Payer.CITY),
]
HERITAGE_GRANT = "Mediterranean Heritage Fund"


def _lines(engagement: Engagement, rows, travellers: dict | None = None) -> None:
    for stage, category, description, minor, currency, paid_by, payer_name, *who in rows:
        entry = (travellers or {}).get(who[0]) if who else None
        db.session.add(CostLine(engagement_id=engagement.id, stage=stage, category=category, description=description,
                                amount_minor=minor, currency=currency, paid_by=paid_by, payer_name=payer_name,
                                roster_entry_id=entry.id if entry is not None else None))


def _by_title(model, partnership, title: str):
    return db.session.scalars(select(model).where(model.partnership_id == partnership.id, model.title == title)
                              ).first()


def _cairo_exchange(cairo, coordinator, today: date) -> None:
    start = today + timedelta(days=18)
    exchange = Exchange(partnership=cairo, title="Heritage conservation staff exchange to Cairo",
                        exchange_kind=ExchangeKind.MUNICIPAL_STAFF, direction=ExchangeDirection.OUTGOING,
                        occurred_on=start, ends_on=start + timedelta(days=7), participants=3, substantive=True,
                        pillar=Pillar.CULTURE, logged_by=coordinator, visibility=Visibility.SHARED)
    db.session.add(exchange)
    db.session.flush()
    travellers = {}
    try:
        from crm.protocol.rosters.operations import add_participant
    except ImportError:  # the rosters feature not installed: the lines are the whole trip's
        add_participant = None
    for name, role, funded_by in CAIRO_TRAVELLERS if add_participant else ():
        travellers[name] = add_participant(exchange, Side.HOME, {
            "name": name, "role": role, "town": "Portland", "country": "US", "arrives_on": start,
            "leaves_on": start + timedelta(days=7), "funded_by": funded_by,
            "funder_name": HERITAGE_GRANT if funded_by == Payer.GRANT else None})
    _lines(exchange, [
        (B, C.TRAVEL, "Return flights Portland–Cairo, three travellers", 4_350_00, "USD", Payer.CITY, None),
        (B, C.LODGING, "Hotel in Cairo, seven nights", 1_680_00, "EUR", Payer.GRANT, HERITAGE_GRANT),
        (B, C.INTERPRETATION, "Arabic interpreter, two days", 600_00, "USD", Payer.CITY, None),
        (A, C.TRAVEL, "Return flight Portland–Cairo", 1_398_40, "USD", Payer.CITY, None, "Sarah Collins"),
        (A, C.TRAVEL, "Return flight Portland–Cairo", 1_240_00, "EUR", Payer.GRANT, HERITAGE_GRANT, "Laura Bennett"),
        (A, C.LODGING, "Hotel in Cairo, seven nights", 560_00, "EUR", Payer.PARTNER, "Cairo Governorate",
         "Sarah Collins"),
    ], travellers)


def seed_costs(partnerships_by_geonames: dict, users: dict, today: date) -> None:
    """Called by seed_demo after the programs and governance; partnerships_by_geonames: geonames id →
    Partnership (Kyoto 1857910 and Cairo 360630 have guests); users: Role → the demo User."""
    kyoto, cairo = partnerships_by_geonames.get(KYOTO), partnerships_by_geonames.get(CAIRO)
    coordinator = users[Role.COORDINATOR]
    if kyoto is not None:
        past = _by_title(TradeMission, kyoto, "Food and beverage mission")
        if past is not None:
            _lines(past, FOOD_MISSION)
            approved_on = past.occurred_on - timedelta(days=21)
            db.session.add(TripApproval(engagement_id=past.id, body="City Council", approved_on=approved_on,
                                        reference=f"Resolution {approved_on.year}-114",
                                        notes="Four delegates; economy class."))
        upcoming = _by_title(TradeMission, kyoto, "Clean-tech trade mission to Kyoto")
        if upcoming is not None:
            _lines(upcoming, CLEAN_TECH_MISSION)
            approved_on = today - timedelta(days=3)
            db.session.add(TripApproval(engagement_id=upcoming.id, body="City Manager", approved_on=approved_on,
                                        reference=f"Travel authorization TA-{approved_on.year}-031"))
        youth = _by_title(Exchange, kyoto, "Kyoto youth delegation to Portland")
        if youth is not None:
            _lines(youth, YOUTH_DELEGATION)
    if cairo is not None:
        _cairo_exchange(cairo, coordinator, today)
    db.session.flush()

