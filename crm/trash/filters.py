"""Deleted rows are left out of every ORM query, so no list, count, health figure,
feed, PDF or guest page can show them. Pass the execution option
``include_deleted=True`` to see them (the admin's restore page and the purge).

Records belonging to a deleted engagement (a mission's itinerary, delegates and
outcomes, a project's milestones, an engagement's files) are left out with it.
"""
import functools

from sqlalchemy import and_, event, exists, or_
from sqlalchemy.orm import Session, with_loader_criteria

from crm.attachments.models import Attachment
from crm.engagements.models import Engagement
from crm.programs.missions.models import Delegate, ItineraryComment, ItineraryItem, MissionOutcome
from crm.programs.projects.models import Milestone
from crm.soft_delete import INCLUDE_DELETED


def _live(engagement_id_column):
    """True when the engagement with this id is not deleted (a lookup by primary key)."""
    engagements = Engagement.__table__.alias("live_engagement")
    return exists().where(engagements.c.id == engagement_id_column, engagements.c.deleted_at.is_(None))


def _live_item(item_id_column):
    items = ItineraryItem.__table__.alias("live_item")
    return exists().where(items.c.id == item_id_column, _live(items.c.mission_id))


@functools.cache
def _criteria() -> tuple:
    """Built once: the rules are lambdas SQLAlchemy applies to each statement (and its aliases)."""
    rules = {
        Engagement: lambda cls: cls.deleted_at.is_(None),
        Attachment: lambda cls: and_(cls.deleted_at.is_(None),
                                     or_(cls.engagement_id.is_(None), _live(cls.engagement_id))),
        ItineraryItem: lambda cls: _live(cls.mission_id),
        Delegate: lambda cls: _live(cls.mission_id),
        MissionOutcome: lambda cls: _live(cls.mission_id),
        Milestone: lambda cls: _live(cls.project_id),
        ItineraryComment: lambda cls: _live_item(cls.item_id),
    }
    return tuple(with_loader_criteria(model, rule, include_aliases=True, track_closure_variables=False)
                 for model, rule in rules.items())


@event.listens_for(Session, "do_orm_execute")
def _leave_out_deleted(state):
    if state.is_select and not state.execution_options.get(INCLUDE_DELETED):
        state.statement = state.statement.options(*_criteria())
