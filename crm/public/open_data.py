"""Open data without a token (issue 23 §2): public partnerships and their agreements as JSON and CSV, paged and
cached, described by a DCAT-style metadata record; the licence is the office's choice.

Every record comes through crm.public.queries (crm.public.feed); the caching headers, frame-ancestors and rate
limits of these routes are set in crm.public.headers, like the public pages'."""
import csv
import io
import re

from flask import Blueprint, Response, current_app, g, jsonify, render_template, request, url_for
from flask_babel import refresh

from crm.access import PUBLISHED, allow
from crm.bidi import without_bidi_controls
from crm.exports.formulas import guard
from crm.i18n import LANGUAGES
from crm.links import public_url_for
from crm.public import feed, queries
from crm.public.catalog import catalog_record, licence
from crm.settings.public_fields import PUBLIC_FIELDS, public_fields
from crm.settings.service import office_settings

bp = Blueprint("open_data", __name__, url_prefix="/open-data")

_INTEGER = re.compile(r"\+?[0-9]{1,12}")


class BadParameter(ValueError):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name, self.message = name, message


@bp.errorhandler(BadParameter)
def bad_parameter(error: BadParameter):
    """Machines read these answers: the same error shape as the API's, in English."""
    response = jsonify({"error": {"status": 400, "code": "invalid_parameter", "message": error.message,
                                  "parameter": error.name}})
    response.status_code = 400
    return response


def _integer(name: str, maximum: int, default: int) -> int:
    value = request.args.get(name)
    if value is None:
        return default
    if not _INTEGER.fullmatch(value) or not 1 <= int(value) <= maximum:
        raise BadParameter(name, f"{name} must be a whole number from 1 to {maximum}.")
    return int(value)


def paging() -> tuple[int, int]:
    """?page and ?per_page, checked strictly; any other parameter is refused (a typo must not pass unnoticed,
    and one address per page keeps caches useful)."""
    for name in request.args:
        if name not in ("page", "per_page"):
            raise BadParameter(name, f"Unknown parameter {name!r}; this address takes: page, per_page.")
    return (_integer("page", feed.MAX_PAGE, 1),
            _integer("per_page", feed.MAX_PER_PAGE, feed.DEFAULT_PER_PAGE))


def page_links(result: feed.FeedPage) -> dict[str, str | None]:
    """self, first, prev, next and last as absolute URLs (prev and next None where there is none). A page past
    the last is empty; its prev is the last page."""
    def link(number: int) -> str:
        return public_url_for(request.endpoint, page=number, per_page=result.per_page)

    last = max(result.pages, 1)
    return {"self": link(result.page), "first": link(1),
            "prev": link(min(result.page - 1, last)) if result.page > 1 else None,
            "next": link(result.page + 1) if result.page < result.pages else None,
            "last": link(last)}


def with_paging_headers(response: Response, result: feed.FeedPage, links: dict) -> Response:
    response.headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items()
                                         if url and rel != "self")
    response.headers["X-Total-Count"] = str(result.total)
    return response


@bp.context_processor
def language_links():
    """The public layout's language switcher: this page in another language (?lang=)."""
    return {"in_language": lambda code: url_for("open_data.index", lang=code)}


@bp.get("/")
@allow(PUBLISHED)
def index():
    """For people: what the dataset holds, its licence, and how to harvest it; in the language ?lang names, else
    the browser's (not a cookie's or an account's: the page is the same for everyone who asks alike, so a cache
    may keep it)."""
    requested = request.args.get("lang")
    g.page_language = (requested if requested in LANGUAGES
                       else request.accept_languages.best_match(LANGUAGES) or "en")
    refresh()  # the locale may have been looked up before the view ran
    settings = office_settings()
    fields = public_fields(settings)
    return render_template(
        "open_data/index.html", licence=licence(settings.open_data_licence),
        public_field_labels=[(name, label) for name, label in PUBLIC_FIELDS.items()
                             if name in fields and name in feed.OPTIONAL_FIELDS],
        total=queries.published_count(), office_name=settings.office_name,
        json_url=public_url_for("open_data.partnerships_json"), csv_url=public_url_for("open_data.partnerships_csv"),
        catalog_url=public_url_for("open_data.catalog"), openapi_url=public_url_for("api.openapi"),
        example_url=public_url_for("open_data.partnerships_json", page=2, per_page=feed.DEFAULT_PER_PAGE),
        default_per_page=feed.DEFAULT_PER_PAGE, max_per_page=feed.MAX_PER_PAGE)


@bp.get("/catalog.json")
@allow(PUBLISHED)
def catalog():
    """The DCAT-style metadata record (JSON-LD)."""
    if request.args:
        raise BadParameter(next(iter(request.args)), "This address takes no parameters.")
    settings = office_settings()
    record = catalog_record(office_name=settings.office_name, licence_code=settings.open_data_licence,
                            fields=public_fields(settings), modified=feed.last_modified(),
                            language=current_app.config["BABEL_DEFAULT_LOCALE"], total=queries.published_count())
    response = jsonify(record)
    response.mimetype = "application/ld+json"
    return response


@bp.get("/partnerships.json")
@allow(PUBLISHED)
def partnerships_json():
    page, per_page = paging()
    settings = office_settings()
    result = feed.feed_page(page, per_page, public_fields(settings))
    links = page_links(result)
    response = jsonify({
        "licence": licence(settings.open_data_licence), "publisher": settings.office_name,
        "catalog": public_url_for("open_data.catalog"),
        "page": result.page, "per_page": result.per_page, "total": result.total, "pages": result.pages,
        "links": links, "items": result.records,
    })
    return with_paging_headers(response, result, links)


def csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return guard(without_bidi_controls(value))
    return str(value)


@bp.get("/partnerships.csv")
@allow(PUBLISHED)
def partnerships_csv():
    """The same records, one row per partnership: UTF-8 with a byte-order mark (as the app's exports, so Excel
    reads the names), commas, CRLF rows, RFC 4180 quoting; text a spreadsheet would run is guarded."""
    page, per_page = paging()
    settings = office_settings()
    fields = public_fields(settings)
    result = feed.feed_page(page, per_page, fields)
    columns = feed.csv_columns(fields)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for data in result.records:
        row = feed.csv_row(data)
        writer.writerow([csv_text(row.get(column)) for column in columns])
    response = Response(buffer.getvalue().encode("utf-8"), mimetype="text/csv")
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="partnerships.csv"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return with_paging_headers(response, result, page_links(result))
