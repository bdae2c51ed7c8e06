"""The programs of one partnership (missions, exchanges, projects) and their outcome totals, for its page."""
from dataclasses import dataclass

from sqlalchemy import select

from crm.extensions import db
from crm.programs.exchanges.models import Exchange
from crm.programs.missions.models import TradeMission
from crm.programs.outcomes import YearTotals, outcome_totals
from crm.programs.projects.models import JointProject


@dataclass
class PartnershipPrograms:
    missions: list
    exchanges: list
    projects: list
    totals: list[YearTotals]  #: outcome totals by year, newest first


def partnership_programs(partnership_id: int, limit: int = 8) -> PartnershipPrograms:
    """The latest missions, exchanges and projects of a partnership (one query each), and its totals."""

    def latest(model):
        return list(db.session.scalars(
            select(model).where(model.partnership_id == partnership_id)
            .order_by(model.occurred_on.desc(), model.id.desc()).limit(limit)))

    return PartnershipPrograms(latest(TradeMission), latest(Exchange), latest(JointProject),
                               outcome_totals(partnership_id))
