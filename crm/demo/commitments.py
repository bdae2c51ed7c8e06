"""Demo data for commitments (issue 21): on Kyoto (which has a guest), two overdue (one per side), one done, one
open and one staff-only; on Cairo, two open ones."""
from datetime import date, timedelta

from sqlalchemy import select

from crm.engagements.models import Engagement
from crm.enums import CommitmentStatus, Side, Visibility
from crm.extensions import db
from crm.governance.models import Commitment
from crm.roles import Role

KYOTO, CAIRO = 1857910, 360630


def seed_commitments(partnerships_by_geonames: dict, users: dict, today: date) -> None:
    """Called by seed_demo after the programs; partnerships_by_geonames: geonames id → Partnership;
    users: Role → the demo User."""
    coordinator, admin = users[Role.COORDINATOR], users.get(Role.ADMIN, users[Role.COORDINATOR])
    kyoto, cairo = partnerships_by_geonames.get(KYOTO), partnerships_by_geonames.get(CAIRO)
    if kyoto is not None:
        made_at = db.session.scalar(
            select(Engagement.id).where(Engagement.partnership_id == kyoto.id, Engagement.occurred_on <= today)
            .order_by(Engagement.occurred_on.desc()).limit(1))
        db.session.add_all([
            Commitment(partnership_id=kyoto.id, side=Side.HOME, engagement_id=made_at, owner_id=coordinator.id,
                       description="Send the youth orchestra proposal to the Kyoto international office",
                       due_on=today - timedelta(days=40), created_by_id=coordinator.id),
            Commitment(partnership_id=kyoto.id, side=Side.PARTNER, engagement_id=made_at,
                       owner_name="Tanaka Yuki", description="Share the dates of the autumn festival delegation",
                       due_on=today - timedelta(days=12), created_by_id=coordinator.id),
            Commitment(partnership_id=kyoto.id, side=Side.HOME, owner_id=admin.id,
                       description="Translate the sister-city agreement's renewal draft into Japanese",
                       due_on=today - timedelta(days=60), status=CommitmentStatus.DONE,
                       done_on=today - timedelta(days=65), done_by_id=admin.id, created_by_id=coordinator.id),
            Commitment(partnership_id=kyoto.id, side=Side.PARTNER, owner_name="Kyoto City University of Arts",
                       description="Propose two students for the summer exchange",
                       due_on=today + timedelta(days=45), created_by_id=coordinator.id),
            Commitment(partnership_id=kyoto.id, side=Side.HOME, owner_id=coordinator.id,
                       visibility=Visibility.STAFF_ONLY,
                       description="Ask the council for the exchange's travel budget before promising more places",
                       due_on=today + timedelta(days=20), created_by_id=coordinator.id),
        ])
    if cairo is not None:
        db.session.add_all([
            Commitment(partnership_id=cairo.id, side=Side.HOME, owner_id=coordinator.id,
                       description="Send the water-management workshop programme",
                       due_on=today + timedelta(days=14), created_by_id=coordinator.id),
            Commitment(partnership_id=cairo.id, side=Side.PARTNER, owner_name="Cairo Governorate protocol office",
                       description="Confirm the visit of the governor's delegation",
                       due_on=today + timedelta(days=30), created_by_id=coordinator.id),
        ])
    db.session.flush()
