"""Which reminders are due on a day, and to whom.

A reminder for a date D with a lead time of L days is due on D − L. When the app was down that day, it is
caught up while D − L ≤ today < D, never on or after D (a lead time of 0 days: on D itself). When several
lead times of one date have passed (the app was down for months), only the nearest is sent: the others would
say the same thing later than it.

Recipients: a commitment's owner (an active staff user), else the partnership's liaison (active staff), else
every active admin. Each kind reads a fixed number of queries whatever the data size.
"""
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.agreements.models import Agreement
from crm.auth.models import User
from crm.enums import AgreementStatus, CommitmentStatus, PartnershipStatus, ProjectStatus, ReminderKind
from crm.extensions import db
from crm.governance.models import Commitment
from crm.governance.reminders.anniversaries import anniversaries_between
from crm.governance.reminders.leadtimes import lead_times
from crm.partnerships.models import Partnership
from crm.programs.projects.models import JointProject, Milestone
from crm.roles import Role


def due_lead(on: date, leads: Iterable[int], today: date) -> int | None:
    """The lead time whose reminder of `on` is due `today` (the nearest of those passed), or None."""
    if today > on:
        return None
    passed = [lead for lead in leads if on - timedelta(days=lead) <= today and (today < on or lead == 0)]
    return min(passed, default=None)


def is_reachable(user: User | None) -> bool:
    return user is not None and user.active and user.is_staff


def recipients(partnership: Partnership, admins: list[User], owner: User | None = None) -> list[User]:
    """Who is reminded of something of the partnership: the owner, else the liaison, else the admins."""
    for person in (owner, partnership.liaison):
        if is_reachable(person):
            return [person]
    return admins


@dataclass(frozen=True)
class Reminder:
    kind: ReminderKind
    subject: str  #: names the record reminded of among those of its kind (an id, or "partnership-3")
    on: date  #: the date reminded of
    lead: int  #: days before it
    title: str
    partnership: Partnership
    recipient: User
    endpoint: str  #: the page that shows it
    endpoint_args: dict = field(default_factory=dict, hash=False, compare=False)
    years: int | None = None  #: an anniversary's

    @property
    def key(self) -> str:
        """The ReminderSent key: once per kind, subject, date, lead time and recipient."""
        return f"{self.kind.value}:{self.subject}:{self.on.isoformat()}:{self.lead}:{self.recipient.id}"

    @property
    def partnership_id(self) -> int:
        return self.partnership.id


_WITH_CITIES = (joinedload(Partnership.partner_city), joinedload(Partnership.home_city),
                joinedload(Partnership.liaison))
_CURRENT = (Partnership.archived_at.is_(None), Partnership.status != PartnershipStatus.ENDED)


def _window(leads: tuple[int, ...], today: date) -> tuple[date, date]:
    return today, today + timedelta(days=max(leads, default=0))


def active_admins() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == Role.ADMIN, User.active).order_by(User.id)))


def agreement_expiries(today: date, leads: tuple[int, ...]) -> Iterable[tuple]:
    """(partnership, subject, date, title, endpoint, args, owner, years) of signed agreements expiring."""
    first, last = _window(leads, today)
    for agreement in db.session.scalars(
            select(Agreement).join(Agreement.partnership)
            .where(Agreement.status == AgreementStatus.SIGNED, Agreement.expires_on >= first,
                   Agreement.expires_on <= last, *_CURRENT)
            .options(joinedload(Agreement.partnership).options(*_WITH_CITIES))):
        yield (agreement.partnership, str(agreement.id), agreement.expires_on, agreement.title,
               "agreements.detail", {"agreement_id": agreement.id}, None, None)


def anniversaries(today: date, leads: tuple[int, ...]) -> Iterable[tuple]:
    first, last = _window(leads, today)
    ids = select(Partnership.id).where(*_CURRENT)
    for jubilee in anniversaries_between(ids, first, last):
        if jubilee.agreement is not None:
            endpoint, args = "agreements.detail", {"agreement_id": jubilee.agreement.id}
        else:
            endpoint, args = "partnerships.detail", {"partnership_id": jubilee.partnership.id}
        title = jubilee.agreement.title if jubilee.agreement is not None else ""
        yield jubilee.partnership, jubilee.key, jubilee.on, title, endpoint, args, None, jubilee.years


def reviews_due(today: date, leads: tuple[int, ...]) -> Iterable[tuple]:
    """The next review of each partnership (crm.governance.reviews.rules), when it falls in the window."""
    dates = review_dates(today)
    if not dates:
        return
    first, last = _window(leads, today)
    wanted = {pid: on for pid, on in dates.items() if first <= on <= last}
    if not wanted:
        return
    for partnership in db.session.scalars(select(Partnership).where(Partnership.id.in_(wanted), *_CURRENT)
                                          .options(*_WITH_CITIES)):
        yield (partnership, str(partnership.id), wanted[partnership.id], "", "partnerships.detail",
               {"partnership_id": partnership.id, "section": "governance"}, None, None)


def review_dates(today: date) -> dict[int, date]:
    """partnership id → the day its next review falls due, by the reviews' own rule; nothing while that rule
    is not there (it is another capability's, imported when asked for)."""
    try:
        from crm.governance.reviews.queries import review_facts
        from crm.governance.reviews.rules import next_review
        from crm.settings.service import stored_office_settings
    except ImportError:  # pragma: no cover  (the reviews capability not installed)
        return {}
    settings = stored_office_settings()
    every, before = (settings.review_every_years, settings.review_before_expiry_months) if settings else (3, 6)
    found = {}
    for pid, facts in review_facts(select(Partnership.id).where(*_CURRENT), today).items():
        due = next_review(facts, every, before, today)
        if due is not None:
            found[pid] = due.due_on
    return found


def commitments_due(today: date, leads: tuple[int, ...]) -> Iterable[tuple]:
    first, last = _window(leads, today)
    for commitment in db.session.scalars(
            select(Commitment).join(Commitment.partnership)
            .where(Commitment.status == CommitmentStatus.OPEN, Commitment.due_on >= first,
                   Commitment.due_on <= last, *_CURRENT)
            .options(joinedload(Commitment.partnership).options(*_WITH_CITIES), joinedload(Commitment.owner))):
        yield (commitment.partnership, str(commitment.id), commitment.due_on, commitment.description,
               "partnerships.detail", {"partnership_id": commitment.partnership_id, "section": "governance"},
               commitment.owner, None)


def milestones_due(today: date, leads: tuple[int, ...]) -> Iterable[tuple]:
    first, last = _window(leads, today)
    for milestone in db.session.scalars(
            select(Milestone).join(Milestone.project).join(Partnership, Partnership.id == JointProject.partnership_id)
            .where(Milestone.done_on.is_(None), Milestone.due_on >= first, Milestone.due_on <= last,
                   JointProject.status.not_in((ProjectStatus.CANCELLED, ProjectStatus.COMPLETED)), *_CURRENT)
            .options(joinedload(Milestone.project).joinedload(JointProject.partnership).options(*_WITH_CITIES))):
        project = milestone.project
        yield (project.partnership, str(milestone.id), milestone.due_on, milestone.title, "projects.detail",
               {"project_id": project.id}, None, None)


SOURCES = {
    ReminderKind.AGREEMENT_EXPIRY: agreement_expiries,
    ReminderKind.ANNIVERSARY: anniversaries,
    ReminderKind.REVIEW_DUE: reviews_due,
    ReminderKind.COMMITMENT_DUE: commitments_due,
    ReminderKind.MILESTONE: milestones_due,
}


def due_reminders(today: date, leads: dict[ReminderKind, tuple[int, ...]] | None = None) -> list[Reminder]:
    """Every reminder due today, to each of its recipients, by date (sent or not: the caller checks)."""
    leads = leads or lead_times()
    admins = None
    found = []
    for kind, source in SOURCES.items():
        for partnership, subject, on, title, endpoint, args, owner, years in source(today, leads[kind]):
            lead = due_lead(on, leads[kind], today)
            if lead is None:
                continue
            if admins is None:
                admins = active_admins()
            for person in recipients(partnership, admins, owner):
                found.append(Reminder(kind, subject, on, lead, title, partnership, person, endpoint, args, years))
    found.sort(key=lambda r: (r.on, list(SOURCES).index(r.kind), r.subject))
    return found
