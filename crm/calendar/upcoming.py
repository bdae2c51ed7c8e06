"""What is coming up in a set of partnerships: missions, exchanges, milestones, agreement expiries.

Every function takes the reader's scope as `partnership_ids` (a select of
partnership ids) instead of reading current_user, so the calendar feed can
apply its owner's scope in a request nobody is signed in to.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager, joinedload

from crm.agreements.models import Agreement, AgreementStatus
from crm.engagements.models import Visibility
from crm.extensions import db
from crm.governance.reminders.anniversaries import anniversaries_between
from crm.partnerships.models import Partnership
from crm.programs.exchanges.models import Exchange
from crm.programs.missions.models import TradeMission
from crm.programs.projects.models import JointProject, Milestone, ProjectStatus

MISSION = "mission"
EXCHANGE = "exchange"
MILESTONE = "milestone"
AGREEMENT_EXPIRY = "agreement_expiry"
#: the month calendar's own kinds: a planned engagement (a future-dated timeline entry), a signing's anniversary
ENGAGEMENT = "engagement"
ANNIVERSARY = "anniversary"
#: a partnership's or a signed agreement's 5th, 10th, … 60th year (crm.governance.reminders.anniversaries); staff only
JUBILEE = "jubilee"
#: the page each kind of event links to, and its id argument
PAGES = {MISSION: ("missions.detail", "mission_id"), EXCHANGE: ("exchanges.detail", "exchange_id"),
         MILESTONE: ("projects.detail", "project_id"), AGREEMENT_EXPIRY: ("agreements.detail", "agreement_id"),
         ENGAGEMENT: ("partnerships.detail", "partnership_id"), ANNIVERSARY: ("agreements.detail", "agreement_id"),
         JUBILEE: ("partnerships.detail", "partnership_id")}
KIND_LABELS = {MISSION: _l("Trade mission"), EXCHANGE: _l("Exchange"), MILESTONE: _l("Milestone due"),
               AGREEMENT_EXPIRY: _l("Agreement expires"), ENGAGEMENT: _l("Planned engagement"),
               ANNIVERSARY: _l("Anniversary of signing"),
               JUBILEE: _l("Jubilee")}
#: on one day, what happens in the order people plan around it
KIND_ORDER = {JUBILEE: -1, ANNIVERSARY: 0, MISSION: 1, EXCHANGE: 2, ENGAGEMENT: 3, MILESTONE: 4, AGREEMENT_EXPIRY: 5}


@dataclass(frozen=True)
class UpcomingEvent:
    date: date
    end_date: date  #: the last day (inclusive); equal to date for one-day events
    kind: str
    title: str
    partnership_id: int
    partner_city: str
    partner_city_native: str | None
    record_id: int
    #: the day it is listed under: an event already under way is listed on the first day of the window
    listed_on: date
    #: the mission's destination, the milestone's project
    detail: str | None = None
    #: the id of the record whose page shows it (a milestone's project)
    page_id: int | None = None

    @property
    def is_multi_day(self) -> bool:
        return self.end_date > self.date

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]

    @property
    def url_endpoint(self) -> str:
        return PAGES[self.kind][0]

    @property
    def url_kwargs(self) -> dict:
        return {PAGES[self.kind][1]: self.page_id or self.record_id}

    @property
    def portal_link(self) -> tuple[str, dict]:
        """The guest portal's page for it: a mission's own page, else its partnership's."""
        if self.kind == MISSION:
            return "portal.mission", {"mission_id": self.record_id}
        return "portal.partnership", {"partnership_id": self.partnership_id}


def partner_city_fields(partnership: Partnership) -> dict:
    """An event's partnership fields: its id and its partner city's names."""
    city = partnership.partner_city
    return {"partnership_id": partnership.id, "partner_city": city.name, "partner_city_native": city.native_name}


def _partner_city(relationship):
    return joinedload(relationship).joinedload(Partnership.partner_city)


def missions_between(partnership_ids: Select, first: date, last: date, *, include_staff_only: bool) -> Select:
    """Trade missions that overlap [first, last], with their partnership and partner city."""
    query = (
        select(TradeMission)
        .where(TradeMission.partnership_id.in_(partnership_ids),
               TradeMission.occurred_on <= last, TradeMission.ends_on >= first)
        .options(_partner_city(TradeMission.partnership), joinedload(TradeMission.destination))
        .order_by(TradeMission.occurred_on, TradeMission.id)
    )
    return query if include_staff_only else query.where(TradeMission.visibility == Visibility.SHARED)


def exchanges_between(partnership_ids: Select, first: date, last: date, *, include_staff_only: bool) -> Select:
    query = (
        select(Exchange)
        .where(Exchange.partnership_id.in_(partnership_ids), Exchange.occurred_on <= last, Exchange.ends_on >= first)
        .options(_partner_city(Exchange.partnership))
        .order_by(Exchange.occurred_on, Exchange.id)
    )
    return query if include_staff_only else query.where(Exchange.visibility == Visibility.SHARED)


def open_milestones_between(partnership_ids: Select, first: date, last: date, *,
                            include_staff_only: bool) -> Select:
    """Milestones due in [first, last] and not reached, of projects that were not cancelled."""
    query = (
        select(Milestone)
        .join(Milestone.project)
        .where(JointProject.partnership_id.in_(partnership_ids), JointProject.status != ProjectStatus.CANCELLED,
               Milestone.done_on.is_(None), Milestone.due_on >= first, Milestone.due_on <= last)
        .options(contains_eager(Milestone.project).joinedload(JointProject.partnership)
                 .joinedload(Partnership.partner_city))
        .order_by(Milestone.due_on, Milestone.id)
    )
    # A staff-only project's milestones are as private as the project.
    return query if include_staff_only else query.where(JointProject.visibility == Visibility.SHARED)


def expiring_agreements_between(partnership_ids: Select, first: date, last: date) -> Select:
    """Signed agreements whose expiry date falls in [first, last].

    Drafts and agreements already expired, terminated or renewed have no
    expiry anyone needs to act on.
    """
    return (
        select(Agreement)
        .where(Agreement.partnership_id.in_(partnership_ids), Agreement.status == AgreementStatus.SIGNED,
               Agreement.expires_on >= first, Agreement.expires_on <= last)
        .options(_partner_city(Agreement.partnership))
        .order_by(Agreement.expires_on, Agreement.id)
    )


def upcoming_events(partnership_ids: Select, start: date, days: int = 90, *,
                    include_staff_only: bool = False, jubilees: bool = False) -> list[UpcomingEvent]:
    """Everything from `start` for `days` days, sorted by the day it is listed under.

    Staff-only engagements are left out unless the caller says the reader is staff. Jubilees (two queries
    more) are added for staff when the caller asks for them.
    """
    last = start + timedelta(days=days - 1)
    session = db.session
    events: list[UpcomingEvent] = []

    def add(on: date, until: date, kind: str, title: str, partnership: Partnership, record_id: int,
            detail: str | None = None, page_id: int | None = None) -> None:
        events.append(UpcomingEvent(
            date=on, end_date=until, kind=kind, title=title, record_id=record_id, listed_on=max(on, start),
            detail=detail, page_id=page_id, **partner_city_fields(partnership)))

    for mission in session.scalars(missions_between(partnership_ids, start, last,
                                                    include_staff_only=include_staff_only)):
        add(mission.occurred_on, mission.ends_on, MISSION, mission.title, mission.partnership, mission.id,
            mission.destination.name if mission.destination else None)
    for exchange in session.scalars(exchanges_between(partnership_ids, start, last,
                                                      include_staff_only=include_staff_only)):
        add(exchange.occurred_on, exchange.ends_on, EXCHANGE, exchange.title, exchange.partnership, exchange.id)
    for milestone in session.scalars(open_milestones_between(partnership_ids, start, last,
                                                             include_staff_only=include_staff_only)):
        add(milestone.due_on, milestone.due_on, MILESTONE, milestone.title, milestone.project.partnership,
            milestone.id, milestone.project.title, page_id=milestone.project_id)
    for agreement in session.scalars(expiring_agreements_between(partnership_ids, start, last)):
        add(agreement.expires_on, agreement.expires_on, AGREEMENT_EXPIRY, agreement.title, agreement.partnership,
            agreement.id)
    if include_staff_only and jubilees:
        for jubilee in anniversaries_between(partnership_ids, start, last):
            add(jubilee.on, jubilee.on, JUBILEE, jubilee_title(jubilee), jubilee.partnership, jubilee.subject_id,
                page_id=jubilee.partnership.id)

    events.sort(key=lambda e: (e.listed_on, KIND_ORDER[e.kind], str(e.title).casefold(), e.record_id))
    return events


def jubilee_title(jubilee):
    """"40 years of partnership", "10 years since “Friendship agreement” was signed": in the reader's language
    when shown (the digest collects before it knows its liaison's)."""
    if jubilee.agreement is None:
        return lazy_ngettext("%(num)d year of partnership", "%(num)d years of partnership", jubilee.years)
    return lazy_ngettext("%(num)d year since “%(title)s” was signed", "%(num)d years since “%(title)s” was signed",
                         jubilee.years, title=jubilee.agreement.title)
