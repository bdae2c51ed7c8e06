"""The programs of one partnership (missions, exchanges, projects), for its page.

Their lists' common filters and query are in crm.engagements.programs."""
from dataclasses import dataclass

from sqlalchemy import select

from crm.exchanges.models import Exchange
from crm.extensions import db
from crm.missions.models import TradeMission
from crm.projects.models import JointProject


@dataclass
class PartnershipPrograms:
    missions: list
    exchanges: list
    projects: list


def partnership_programs(partnership_id: int, limit: int = 8) -> PartnershipPrograms:
    """The latest missions, exchanges and projects of a partnership: one query each."""

    def latest(model):
        return list(db.session.scalars(
            select(model).where(model.partnership_id == partnership_id)
            .order_by(model.occurred_on.desc(), model.id.desc()).limit(limit)))

    return PartnershipPrograms(latest(TradeMission), latest(Exchange), latest(JointProject))
