"""The read-only JSON API, version 1: partnerships, engagements and agreements.

Every answer comes through the same scoped queries as the web pages, as the
token's owner: staff see what the staff lists show, a partner-city guest what
their portal shows (never staff notes, staff-only engagements or drafts).
"""
from flask import Blueprint, abort, current_app, jsonify, request

from crm.access import PUBLIC, allow
from crm.agreements.models import AgreementKind, AgreementStatus
from crm.agreements.queries import get_agreement_or_404
from crm.api import params, serializers
from crm.api.bearer import client_key, is_staff, token_required
from crm.api.openapi import openapi_document
from crm.api.queries import api_agreements, api_engagements, api_partnerships
from crm.clock import office_today
from crm.engagements.models import EngagementKind, Visibility
from crm.engagements.queries import get_engagement_or_404
from crm.extensions import csrf, db, limiter
from crm.health.queries import flags as health_flags
from crm.links import public_url_for
from crm.partnerships.models import PartnershipStatus
from crm.partnerships.queries import get_partnership_or_404

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # read-only, and a bearer token is no ambient credential a form could ride on

DEFAULT_RATE_LIMIT = "120 per minute"
# One budget per token across every endpoint.
per_token_limit = limiter.shared_limit(lambda: current_app.config.get("API_RATE_LIMIT", DEFAULT_RATE_LIMIT),
                                       scope="api", key_func=client_key)


def read(rule: str):
    """Register a GET endpoint for a bearer token's holder, on the token's budget; what it answers comes
    through the scoped queries, as the token's owner."""
    def register(view):
        return bp.get(rule)(allow(PUBLIC)(per_token_limit(token_required(view))))

    return register


@bp.after_request
def keep_out_of_caches(response):
    # Answers depend on whose token asked; no shared cache may keep one for the next caller.
    response.headers.setdefault("Cache-Control", "private, no-store")
    return response


#: the query parameters a list's Link URLs carry over to the other pages
FILTERS = ("q", "status", "country", "updated_since", "partnership", "kind", "from", "to")


@bp.errorhandler(params.BadParameter)
def bad_parameter(error: params.BadParameter):
    response = jsonify({"error": {"status": 400, "code": "invalid_parameter", "message": error.message,
                                  "parameter": error.name}})
    response.status_code = 400
    return response


def page_of(query):
    """One page of a select, from ?page and ?per_page; a page past the end is empty, not an error."""
    number, size = params.page_and_size()
    return db.paginate(query, page=number, per_page=size, error_out=False, count=True)


def listing(result, items: list[dict]):
    """The list envelope and its Link header (RFC 8288): first, prev, next, last."""
    def link(number: int) -> str:
        kept = {name: request.args[name] for name in FILTERS if request.args.get(name)}
        return public_url_for(request.endpoint, **kept, **(request.view_args or {}), page=number,
                              per_page=result.per_page)

    last = max(result.pages, 1)
    links = {"first": link(1), "last": link(last)}
    if result.page > 1:
        links["prev"] = link(min(result.page - 1, last))
    if result.page < result.pages:
        links["next"] = link(result.page + 1)
    response = jsonify({
        "items": items, "page": result.page, "per_page": result.per_page, "total": result.total,
        "pages": result.pages, "next": links.get("next"), "prev": links.get("prev"),
    })
    response.headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
    return response


# -- partnerships -------------------------------------------------------------------------------------------------

@read("/partnerships")
def partnerships():
    params.expect("page", "per_page", "status", "country", "q", "updated_since")
    result = page_of(api_partnerships(q=params.text("q"), status=params.choice("status", PartnershipStatus),
                                      country=params.country("country"), since=params.moment("updated_since")))
    staff, today = is_staff(), office_today()
    flags = health_flags(today, [p.id for p in result.items]) if staff and result.items else {}
    return listing(result, [serializers.partnership(p, staff=staff, flag=flags.get(p.id), as_of=today)
                            for p in result.items])


@read("/partnerships/<int:partnership_id>")
def partnership(partnership_id: int):
    params.expect()
    found = get_partnership_or_404(partnership_id)
    staff, today = is_staff(), office_today()
    flag = health_flags(today, [found.id]).get(found.id) if staff else None
    return jsonify(serializers.partnership(found, staff=staff, flag=flag, as_of=today))


# -- engagements --------------------------------------------------------------------------------------------------

ENGAGEMENT_PARAMETERS = ("page", "per_page", "kind", "from", "to", "updated_since")


def engagement_query(partnership_id: int | None = None):
    """The engagements the parameters ask for (the partnership in the URL, else ?partnership)."""
    if partnership_id is None:
        partnership_id = params.integer("partnership")
    return api_engagements(staff=is_staff(), partnership_id=partnership_id, kind=params.choice("kind", EngagementKind),
                           start=params.day("from"), end=params.day("to"), since=params.moment("updated_since"))


def engagement_listing(query):
    result = page_of(query)
    staff = is_staff()
    return listing(result, [serializers.engagement(e, staff=staff) for e in result.items])


@read("/engagements")
def engagements():
    params.expect(*ENGAGEMENT_PARAMETERS, "partnership")
    return engagement_listing(engagement_query())


@read("/partnerships/<int:partnership_id>/engagements")
def partnership_engagements(partnership_id: int):
    params.expect(*ENGAGEMENT_PARAMETERS)
    found = get_partnership_or_404(partnership_id)
    return engagement_listing(engagement_query(found.id))


@read("/engagements/<int:engagement_id>")
def engagement(engagement_id: int):
    params.expect()
    found = get_engagement_or_404(engagement_id)
    if found.visibility != Visibility.SHARED and not is_staff():
        abort(404)
    return jsonify(serializers.engagement(found, staff=is_staff()))


# -- agreements ---------------------------------------------------------------------------------------------------

@read("/agreements")
def agreements():
    params.expect("page", "per_page", "status", "kind", "partnership", "q", "updated_since")
    staff = is_staff()
    result = page_of(api_agreements(staff=staff, q=params.text("q"), status=params.choice("status", AgreementStatus),
                                    kind=params.choice("kind", AgreementKind),
                                    partnership=params.integer("partnership"), since=params.moment("updated_since")))
    return listing(result, [serializers.agreement(a, staff=staff) for a in result.items])


@read("/agreements/<int:agreement_id>")
def agreement(agreement_id: int):
    params.expect()
    found = get_agreement_or_404(agreement_id)
    if found.status == AgreementStatus.DRAFT and not is_staff():
        abort(404)
    return jsonify(serializers.agreement(found, staff=is_staff(), full=True))


# -- the description ----------------------------------------------------------------------------------------------

@bp.get("/openapi.json")
@allow(PUBLIC)  # the description holds no data; integrators read it before they have a token
def openapi():
    return jsonify(openapi_document())
