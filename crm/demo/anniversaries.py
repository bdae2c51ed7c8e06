"""Demo data for anniversaries (issue 21): Kyoto's 40th year as a partnership four months ahead, and the 10th
year of Busan's signed agreement three months ahead, so that both show on the dashboard's "Anniversaries
ahead", the calendar and the partnership pages, and their reminders come in turn."""
from datetime import date

from sqlalchemy import select

from crm.agreements.models import Agreement
from crm.enums import AgreementStatus
from crm.extensions import db
from crm.governance.reminders.anniversaries import add_months, anniversary_on

KYOTO, BUSAN = 1857910, 1838524


def seed_anniversaries(partnerships_by_geonames: dict, users: dict, today: date) -> None:
    """Called by seed_demo after the programs; partnerships_by_geonames: geonames id → Partnership;
    users: Role → the demo User."""
    kyoto = partnerships_by_geonames.get(KYOTO)
    if kyoto is not None:
        established_on = anniversary_on(add_months(today, 4), -40)
        if kyoto.established_on and kyoto.summary:
            kyoto.summary = kyoto.summary.replace(str(kyoto.established_on.year), str(established_on.year))
        kyoto.established_on = established_on
    busan = partnerships_by_geonames.get(BUSAN)
    if busan is not None:
        agreement = db.session.scalars(
            select(Agreement).where(Agreement.partnership_id == busan.id, Agreement.status == AgreementStatus.SIGNED)
            .order_by(Agreement.signed_on, Agreement.id)).first()
        if agreement is not None:
            agreement.signed_on = agreement.effective_from = anniversary_on(add_months(today, 3), -10)
    db.session.flush()
