from flask import Blueprint, render_template, request

from crm.access import STAFF, allow
from crm.pagination import paginate
from crm.search.highlight import highlight
from crm.search.queries import KINDS, MAX_QUERY_LENGTH, QUERIES, clean_query, matching_name, search, with_partnerships

bp = Blueprint("search", __name__)
PER_GROUP = 10

bp.add_app_template_filter(highlight, "highlight")
bp.add_app_template_global(matching_name, "matching_name")


@bp.get("/search")
@allow(STAFF)
def results():
    q = clean_query(request.args.get("q"))
    only = request.args.get("only") if request.args.get("only") in KINDS else None
    groups, page = [], None
    if q and only:
        # One kind, all of it, paged: where a group's "more" leads when no list page searches that kind.
        page = paginate(QUERIES[only](q))
        if only == "cities":
            page.items = with_partnerships(page.items)
    elif q:
        groups = search(q, PER_GROUP)
    return render_template("search/results.html", q=q, only=only, groups=groups, page=page,
                           too_long=len(request.args.get("q", "")) > MAX_QUERY_LENGTH)
