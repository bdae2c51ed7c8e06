"""Demo data for letters (issue 22): an interpreter at the Kyoto missions' appointments, so the mission page and
the briefing packet show who interprets and between which languages. The visa and thank-you letters need
nothing of their own: they are written from the rosters, placements and costs seeded before."""
from datetime import date

from sqlalchemy import select

from crm.contacts.models import Contact
from crm.enums import Side, Visibility
from crm.extensions import db
from crm.programs.missions.models import TradeMission

KYOTO = 1857910


def seed_letters(partnerships_by_geonames: dict, users: dict, today: date) -> None:
    """Called by seed_demo after the programs and governance; partnerships_by_geonames: geonames id →
    Partnership (Kyoto 1857910 and Cairo 360630 have guests); users: Role → the demo User."""
    kyoto = partnerships_by_geonames.get(KYOTO)
    if kyoto is None:
        return
    interpreter = Contact(partnership=kyoto, side=Side.HOME, name="Keiko Sato", name_native="佐藤 恵子",
                          name_romanized="Sato Keiko", family_name_first=True, honorific="Ms.",
                          job_title="Conference interpreter", languages="ja, en", language="en",
                          email="keiko.sato@interpreters.example", visibility=Visibility.SHARED)
    db.session.add(interpreter)
    db.session.flush()
    missions = db.session.scalars(select(TradeMission).where(TradeMission.partnership_id == kyoto.id)
                                  .order_by(TradeMission.occurred_on)).all()
    for mission in missions:
        # the meetings with people, not the consulate's briefing in English
        for item in mission.itinerary[1:4]:
            item.interpreter = interpreter
            item.interpreter_language = "ja ↔ en"
    db.session.flush()
