"""The queries behind the JSON API's lists and the API token pages.

The API's lists start from the web pages' own scoped queries, so a token sees what its owner sees there.
"""
from datetime import date, datetime

from flask import abort
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectin_polymorphic, selectinload

from crm.agreements.models import Agreement, AgreementStatus
from crm.agreements.queries import agreement_list
from crm.api.models import ApiToken
from crm.auth.models import User
from crm.database import like_escape
from crm.engagements.models import Engagement, Visibility
from crm.extensions import db
from crm.partnerships.models import Partnership
from crm.partnerships.queries import partnership_list, visible_partnership_ids
from crm.programs.exchanges.models import Exchange
from crm.programs.missions.models import TradeMission
from crm.programs.projects.models import JointProject


def api_partnerships(*, q, status, country, since: datetime | None) -> Select:
    """The partnerships the reader may see, filtered, in id order (stable pages while records change)."""
    query = partnership_list(q=q, status=status, country=country)
    if since:
        query = query.where(Partnership.updated_at >= since)
    return query.order_by(None).order_by(Partnership.id)


def api_engagements(*, staff: bool, partnership_id: int | None, kind, start: date | None, end: date | None,
                    since: datetime | None) -> Select:
    """The engagements of the partnerships the reader may see (shared ones only for a guest), newest first."""
    query = (select(Engagement).where(Engagement.partnership_id.in_(visible_partnership_ids()))
             .options(selectin_polymorphic(Engagement, [TradeMission, Exchange, JointProject])))
    if not staff:
        query = query.where(Engagement.visibility == Visibility.SHARED)
    if partnership_id is not None:
        query = query.where(Engagement.partnership_id == partnership_id)
    if kind:
        query = query.where(Engagement.kind == kind)
    if start:
        query = query.where(Engagement.occurred_on >= start)
    if end:
        query = query.where(Engagement.occurred_on <= end)
    if since:
        query = query.where(Engagement.updated_at >= since)
    return query.order_by(Engagement.occurred_on.desc(), Engagement.id.desc())


def api_agreements(*, staff: bool, q, status, kind, partnership: int | None, since: datetime | None) -> Select:
    """The agreements the reader may see (no drafts for a guest), filtered, with their texts."""
    query = agreement_list(q=q, status=status, kind=kind, partnership=partnership)
    if not staff:
        query = query.where(Agreement.status != AgreementStatus.DRAFT)
    if since:
        query = query.where(Agreement.updated_at >= since)
    return query.options(selectinload(Agreement.texts))


def live_token_count(user: User) -> int:
    """How many of the user's tokens still work."""
    return db.session.scalar(select(func.count()).select_from(ApiToken)
                             .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)))


def live_token_or_404(token_id: int, owner: User | None = None) -> ApiToken:
    """A token that still works (and belongs to owner, when one is given)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.revoked_at is not None or (owner is not None and token.user_id != owner.id):
        abort(404)
    return token


def token_list(*, state: str | None, q: str | None) -> Select:
    """Everyone's tokens for the admin page, newest first: working ones, revoked ones or all (state), matching
    q in the owner's name or address, the token's name, or the start of its secret."""
    query = (select(ApiToken).join(User, User.id == ApiToken.user_id).options(joinedload(ApiToken.user))
             .order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    if state == "revoked":
        query = query.where(ApiToken.revoked_at.is_not(None))
    elif state != "all":
        query = query.where(ApiToken.revoked_at.is_(None))
    if q:
        pattern = f"%{like_escape(q.lower())}%"
        query = query.where(or_(func.lower(User.name).like(pattern, escape="\\"),
                                func.lower(User.email).like(pattern, escape="\\"),
                                func.lower(ApiToken.name).like(pattern, escape="\\"),
                                ApiToken.prefix.like(f"{like_escape(q)}%", escape="\\")))
    return query
