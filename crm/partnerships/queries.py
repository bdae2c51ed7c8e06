"""Loading partnerships through the reader's scope."""
from flask import abort, g
from flask_login import current_user
from sqlalchemy import Select, exists, false, func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from crm.cities.models import City
from crm.extensions import db
from crm.matching import contains
from crm.partnerships.models import Partnership, PartnershipPriority

SORTS = {"partner", "country", "status", "established", "updated"}


def visible_partnerships() -> Select:
    """Every partnership the signed-in user may see: staff all of them, a guest their own."""
    query = select(Partnership)
    if not current_user.is_authenticated:
        return query.where(false())
    if not current_user.is_staff:
        ids = g.get("guest_scope")
        return query.where(Partnership.id.in_(ids if ids is not None else []), Partnership.archived_at.is_(None))
    return query


def get_partnership_or_404(partnership_id: int) -> Partnership:
    """The partnership with what its pages show, if the reader may see it; otherwise 404."""
    partnership = db.session.scalar(
        visible_partnerships()
        .where(Partnership.id == partnership_id)
        .options(
            joinedload(Partnership.home_city),
            joinedload(Partnership.partner_city),
            joinedload(Partnership.liaison),
            selectinload(Partnership.priority_rows),
        )
    )
    if partnership is None:
        abort(404)
    return partnership


def visible_partnership_ids() -> Select:
    """The ids of every partnership the signed-in user may see (a subquery for other queries' scope)."""
    return visible_partnerships().with_only_columns(Partnership.id)


def get_in_scope_or_404(model, record_id: int, *options):
    """A record that belongs to a partnership (it has partnership_id), loaded
    only if the reader may see that partnership; otherwise 404."""
    record = db.session.scalar(
        select(model).where(model.id == record_id, model.partnership_id.in_(visible_partnership_ids()))
        .options(*options)
    )
    if record is None:
        abort(404)
    return record


def where_equal(query: Select, *filters) -> Select:
    """The query narrowed by each (column, value) filter the reader set: the column equals the value."""
    for column, value in filters:
        if value:
            query = query.where(column == value)
    return query


def partnership_list(*, q=None, status=None, country=None, priority=None, liaison=None, home=None,
                     archived=False, sort="partner") -> Select:
    """The filtered, sorted partnership list; the caller paginates."""
    home_city = aliased(City)
    partner_city = aliased(City)
    query = (
        visible_partnerships()
        .join(home_city, Partnership.home_city_id == home_city.id)
        .join(partner_city, Partnership.partner_city_id == partner_city.id)
        .options(
            joinedload(Partnership.home_city),
            joinedload(Partnership.partner_city),
            joinedload(Partnership.liaison),
            selectinload(Partnership.priority_rows),
        )
        .where(Partnership.archived_at.is_not(None) if archived else Partnership.archived_at.is_(None))
    )
    if q:
        # the partner city in any of its names, as the search finds it, or the home city
        query = query.where(contains([partner_city.name, partner_city.native_name, partner_city.alternate_names,
                                      home_city.name, home_city.native_name], q))
    query = where_equal(query, (Partnership.status, status), (partner_city.country_code, country),
                        (Partnership.liaison_id, liaison), (Partnership.home_city_id, home))
    if priority:
        query = query.where(exists().where(
            PartnershipPriority.partnership_id == Partnership.id, PartnershipPriority.priority == priority))
    order = {
        "partner": [func.lower(partner_city.name)],
        "country": [partner_city.country_code, func.lower(partner_city.name)],
        "status": [Partnership.status, func.lower(partner_city.name)],
        "established": [Partnership.established_on.desc().nulls_last()],
        "updated": [Partnership.updated_at.desc()],
    }[sort if sort in SORTS else "partner"]
    return query.order_by(*order, Partnership.id)


def in_order(query: Select, ids: list[int]) -> list[Partnership]:
    """The partnerships of the list query with these ids, in the order of the ids (one it no longer matches is
    left out)."""
    rows = {p.id: p for p in db.session.scalars(query.where(Partnership.id.in_(ids)))}
    return [rows[pid] for pid in ids if pid in rows]
