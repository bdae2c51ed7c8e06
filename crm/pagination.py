from flask import current_app, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from crm.extensions import db


def paginate(query, per_page: int | None = None, count_up_to: int | None = None):
    """One page of a select, from ?page=N (bad or out-of-range numbers give page 1 or the last).

    count_up_to: count the total only up to this many (a list of half a million engagements would spend most
    of its time counting them); the page's `more` then says there are more than its `total`."""
    page = min(max(request.args.get("page", 1, type=int), 1), 100_000)
    per_page = per_page or current_app.config["PER_PAGE"]
    result = _page(query, page, per_page, count_up_to)
    if page > 1 and not result.items and result.pages:
        result = _page(query, result.pages, per_page, count_up_to)
    return result


def _page(query, page: int, per_page: int, count_up_to: int | None):
    """A page; its total counted in SQL only when the items do not tell it (a first page that is not full holds
    every item: one round trip fewer on most lists)."""
    result = db.paginate(query, page=page, per_page=per_page, error_out=False, count=False)
    result.more = False
    if page == 1 and len(result.items) < per_page:
        result.total = len(result.items)
    elif count_up_to is None:
        result.total = result._query_count()
    else:
        counted = query.options(lazyload("*")).order_by(None).limit(count_up_to + 1).subquery()
        result.total = min(db.session.execute(select(func.count()).select_from(counted)).scalar(), count_up_to + 1)
        result.more = result.total > count_up_to
        result.total = min(result.total, count_up_to)
    return result


def page_url(number: int) -> str:
    """This page's URL with its filters kept and another page number."""
    args = {**request.args.to_dict(), "page": number}
    return url_for(request.endpoint, **(request.view_args or {}), **args)


class ListPage:
    """One page of an already ordered Python list, shaped like Flask-SQLAlchemy's pagination."""

    def __init__(self, items: list, total: int, page: int, per_page: int):
        self.items, self.total, self.page, self.per_page = items, total, page, per_page
        self.pages = max((total + per_page - 1) // per_page, 1) if total else 0
        self.has_prev, self.has_next = page > 1, page < self.pages
        self.prev_num, self.next_num = page - 1, page + 1


def paginate_list(values: list, per_page: int | None = None) -> ListPage:
    """A page of values from ?page=N, clamped like paginate()."""
    per_page = per_page or current_app.config["PER_PAGE"]
    pages = max((len(values) + per_page - 1) // per_page, 1)
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    return ListPage(values[(page - 1) * per_page: page * per_page], len(values), page, per_page)
