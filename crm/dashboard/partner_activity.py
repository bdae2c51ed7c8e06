"""What partners did: the engagements, documents, itinerary comments and contact details guests added or
changed, read from the audit trail (each event carries its user and time) and from the comments' authors.

The dashboard lists it since the user last looked (``User.partner_news_seen_at``, moved by "Mark as seen");
the partnerships list marks each partnership with something unseen (the template global
``partnerships_with_partner_news()``); liaisons hear of it by e-mail (crm.dashboard.partner_mail).
"""
from dataclasses import dataclass
from datetime import datetime

from flask import g
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext
from flask_login import current_user
from sqlalchemy import Select, and_, or_, select, union, update
from sqlalchemy.orm.attributes import set_committed_value

from crm.audit.models import AuditEvent
from crm.auth.models import User
from crm.cities.models import City
from crm.clock import utcnow
from crm.extensions import db
from crm.partnerships.models import Partnership
from crm.partnerships.queries import visible_partnership_ids
from crm.programs.missions.models import ItineraryComment, ItineraryItem
from crm.roles import Role

ENGAGEMENT, DOCUMENT, COMMENT, DETAILS = "engagement", "document", "comment", "details"
#: the audit events that are a partner's news: (record type, action) -> kind
AUDITED = {("engagement", "create"): ENGAGEMENT, ("attachments", "create"): DOCUMENT, ("contacts", "update"): DETAILS}
KIND_LABELS = {ENGAGEMENT: _l("Engagement"), DOCUMENT: _l("Document"), COMMENT: _l("Comment"),
               DETAILS: _l("Contact details")}
#: how many the dashboard lists, newest first
PANEL_LIMIT = 30
#: the preferences of User.partner_news_mail
AT_ONCE, DAILY, NEVER = "at_once", "daily", "never"
MAIL_CHOICES = [(AT_ONCE, _l("At once")), (DAILY, _l("In a daily digest")),
                (NEVER, pgettext("e-mail frequency", "Never"))]


@dataclass(frozen=True)
class PartnerNews:
    """One thing a guest did, as the dashboard and the e-mails tell it."""

    kind: str
    at: datetime
    partnership_id: int
    partner_city: str
    who: str  #: the guest's name
    title: str  #: the engagement's title, the document's name, the appointment's; "" for contact details
    record_id: int | None
    mission_id: int | None = None  #: a comment's mission
    excerpt: str = ""  #: a comment's first words

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def sentence(self) -> str:
        if self.kind == ENGAGEMENT:
            return gettext("%(who)s added the engagement “%(title)s”", who=self.who, title=self.title)
        if self.kind == DOCUMENT:
            return gettext("%(who)s uploaded the document “%(title)s”", who=self.who, title=self.title)
        if self.kind == COMMENT:
            return gettext("%(who)s commented on “%(title)s”", who=self.who, title=self.title)
        return gettext("%(who)s updated their contact details", who=self.who)

    @property
    def link(self) -> tuple[str, dict]:
        """The page that shows it: (endpoint, arguments)."""
        if self.kind == COMMENT:
            return "missions.detail", {"mission_id": self.mission_id, "_anchor": f"comment-{self.record_id}"}
        anchor = {ENGAGEMENT: "timeline", DOCUMENT: "documents", DETAILS: "contacts"}[self.kind]
        return "partnerships.detail", {"partnership_id": self.partnership_id, "_anchor": anchor}


def _audited_filter():
    return or_(*(and_(AuditEvent.record_type == record_type, AuditEvent.action == action)
                 for record_type, action in AUDITED))


def _window(moment_column, since: datetime | None, until: datetime | None) -> list:
    """After `since` and up to `until`, where given."""
    bounds = []
    if since is not None:
        bounds.append(moment_column > since)
    if until is not None:
        bounds.append(moment_column <= until)
    return bounds


def _audit_news(scope, since, until, by_user, limit) -> list[PartnerNews]:
    query = (
        select(AuditEvent.occurred_at, AuditEvent.record_type, AuditEvent.action, AuditEvent.record_id,
               AuditEvent.partnership_id, AuditEvent.changes, User.name, City.name.label("city"))
        .join(User, User.id == AuditEvent.user_id)
        .join(Partnership, Partnership.id == AuditEvent.partnership_id)
        .join(City, City.id == Partnership.partner_city_id)
        .where(User.role == Role.GUEST, AuditEvent.partnership_id.in_(scope), _audited_filter(),
               *_window(AuditEvent.occurred_at, since, until))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).limit(limit)
    )
    if by_user is not None:
        query = query.where(AuditEvent.user_id == by_user)
    news = []
    for row in db.session.execute(query):
        kind = AUDITED[(row.record_type, row.action)]
        field = {ENGAGEMENT: "title", DOCUMENT: "filename"}.get(kind)
        title = str(((row.changes or {}).get(field) or [None, ""])[1] or "") if field else ""
        news.append(PartnerNews(kind, row.occurred_at, row.partnership_id, row.city, row.name, title,
                                row.record_id))
    return news


def _comment_news(scope, since, until, by_user, limit) -> list[PartnerNews]:
    query = (
        select(ItineraryComment.created_at, ItineraryComment.id, ItineraryComment.partnership_id,
               ItineraryComment.body, ItineraryItem.title, ItineraryItem.mission_id, User.name,
               City.name.label("city"))
        .join(User, User.id == ItineraryComment.author_id)
        .join(ItineraryItem, ItineraryItem.id == ItineraryComment.item_id)
        .join(Partnership, Partnership.id == ItineraryComment.partnership_id)
        .join(City, City.id == Partnership.partner_city_id)
        .where(User.role == Role.GUEST, ItineraryComment.partnership_id.in_(scope),
               *_window(ItineraryComment.created_at, since, until))
        .order_by(ItineraryComment.created_at.desc(), ItineraryComment.id.desc()).limit(limit)
    )
    if by_user is not None:
        query = query.where(ItineraryComment.author_id == by_user)
    return [PartnerNews(COMMENT, row.created_at, row.partnership_id, row.city, row.name, row.title, row.id,
                        mission_id=row.mission_id, excerpt=" ".join(row.body.split())[:200])
            for row in db.session.execute(query)]


def partner_news(scope: Select | list[int], since: datetime | None, until: datetime | None = None, *,
                 by_user: int | None = None, limit: int = PANEL_LIMIT) -> list[PartnerNews]:
    """What guests did on the partnerships in scope after `since` (and up to `until`), newest first (two
    queries); only what one guest did when `by_user` is given."""
    news = (_audit_news(scope, since, until, by_user, limit) + _comment_news(scope, since, until, by_user, limit))
    news.sort(key=lambda item: item.at, reverse=True)
    return news[:limit]


def last_looked(user: User) -> datetime | None:
    """Since when the user's news are new: when they last marked them as seen, else since their account began."""
    return user.partner_news_seen_at or user.created_at


def unseen_partnership_ids(user: User, scope: Select | list[int] | None = None) -> set[int]:
    """The partnerships in scope (by default those the signed-in user may see) with partner activity the user
    has not seen (one query)."""
    since = last_looked(user)
    scope = visible_partnership_ids() if scope is None else scope
    audited = (select(AuditEvent.partnership_id).join(User, User.id == AuditEvent.user_id)
               .where(User.role == Role.GUEST, AuditEvent.partnership_id.in_(scope),
                      _audited_filter(), *_window(AuditEvent.occurred_at, since, None)))
    commented = (select(ItineraryComment.partnership_id).join(User, User.id == ItineraryComment.author_id)
                 .where(User.role == Role.GUEST, ItineraryComment.partnership_id.in_(scope),
                        *_window(ItineraryComment.created_at, since, None)))
    return set(db.session.scalars(union(audited, commented)))


def partnerships_with_partner_news() -> set[int]:
    """For templates: the partnerships with unseen partner activity for the signed-in staff member (read once
    per request); empty for anyone else."""
    if not (current_user and current_user.is_authenticated and current_user.is_staff):
        return set()
    if "partner_news_ids" not in g:
        g.partner_news_ids = unseen_partnership_ids(current_user)
    return g.partner_news_ids


def mark_seen(user: User, until: datetime | None) -> None:
    """The user has seen everything up to `until` (never later than now, never earlier than before).

    Written straight to the row: a moment of reading is not a change anyone needs in the audit trail."""
    now = utcnow()
    moment = min(until or now, now)
    if user.partner_news_seen_at is not None and moment <= user.partner_news_seen_at:
        return
    db.session.execute(update(User).where(User.id == user.id).values(partner_news_seen_at=moment)
                       .execution_options(synchronize_session=False))
    set_committed_value(user, "partner_news_seen_at", moment)
