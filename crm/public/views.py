"""The public directory (issue 23 §1): an index with the world map and a search, a page per public
partnership, a page per highlight (the EU grant's publication page) and the highlights' photos.

Every URL names its language (/public/ar/…): a page is the same for every reader of that language, so it can be
cached and framed by the city's website, where a language cookie would not reach."""
from flask import Blueprint, abort, g, redirect, request, url_for

from crm.access import PUBLISHED, allow
from crm.i18n import LANGUAGES
from crm.public import queries

bp = Blueprint("public", __name__, url_prefix="/public")


@bp.url_value_preprocessor
def take_language(endpoint, values):
    if values and "lang" in values:
        language = values.pop("lang")
        if language not in LANGUAGES:
            abort(404)
        g.page_language = language


@bp.url_defaults
def keep_language(endpoint, values):
    if "lang" not in values and g.get("page_language") and bp.url_prefix and endpoint != "public.photo":
        values["lang"] = g.page_language


@bp.get("/")
@allow(PUBLISHED)
def start():
    """The directory in the visitor's language (the browser's, else the office's)."""
    language = request.accept_languages.best_match(LANGUAGES) or "en"
    return redirect(url_for("public.index", lang=language))


@bp.get("/<lang>/")
@allow(PUBLISHED)
def index():
    raise NotImplementedError  # filled by the public-pages helper


@bp.get("/<lang>/partnerships/<int:partnership_id>")
@allow(PUBLISHED)
def partnership(partnership_id: int):
    if queries.published_partnership(partnership_id) is None:
        abort(404)
    raise NotImplementedError  # filled by the public-pages helper


@bp.get("/<lang>/highlights/<int:highlight_id>")
@allow(PUBLISHED)
def highlight(highlight_id: int):
    if queries.published_highlight(highlight_id) is None:
        abort(404)
    raise NotImplementedError  # filled by the public-pages helper


@bp.get("/photos/<int:photo_id>")
@allow(PUBLISHED)
def photo(photo_id: int):
    if queries.published_photo(photo_id) is None:
        abort(404)
    raise NotImplementedError  # filled by the public-pages helper
