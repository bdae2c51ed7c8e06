"""The public directory (issue 23 §1): an index with the world map and a search, a page per public
partnership, a page per highlight (the EU grant's publication page) and the highlights' photos.

Every URL names its language (/public/ar/…): a page is the same for every reader of that language, so it can be
cached and framed by the city's website, where a language cookie would not reach."""
from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from crm.access import PUBLISHED, allow
from crm.attachments.serving import send_attachment
from crm.errors import MESSAGES
from crm.i18n import LANGUAGES
from crm.pagination import paginate
from crm.public import pages, queries

bp = Blueprint("public", __name__, url_prefix="/public")
#: the sign-in page offers the directory when anything is published
bp.add_app_template_global(queries.published_count, "published_count")


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


@bp.errorhandler(404)
def not_found(error):
    """The public frame's 404: the same for everyone (the staff layout would name the signed-in user)."""
    if not g.get("page_language"):
        g.page_language = request.accept_languages.best_match(LANGUAGES) or "en"
    title, message = MESSAGES[404]
    return render_template("public/not_found.html", title=title, message=message), 404


@bp.context_processor
def language_links():
    """The same page in another language: the URL with its language part changed, the search kept."""
    def in_language(code: str) -> str:
        return url_for(request.endpoint, **{**(request.view_args or {}), "lang": code}, **request.args.to_dict())
    return {"in_language": in_language}


@bp.get("/")
@allow(PUBLISHED)
def start():
    """The directory in the visitor's language (the browser's, else the office's)."""
    language = request.accept_languages.best_match(LANGUAGES) or "en"
    return redirect(url_for("public.index", lang=language))


@bp.get("/<lang>/")
@allow(PUBLISHED)
def index():
    """The directory: the map, the search, a page of public partnerships and the latest highlights."""
    fields = pages.shown_fields()
    q = (request.args.get("q") or "").strip()[:200]
    listed = paginate(pages.directory(q), per_page=pages.PER_PAGE)
    world = pages.directory_map(_("Our partner cities on the world map"))
    highlights = pages.highlight_cards(pages.latest_highlights()) if "highlights" in fields else []
    return render_template("public/index.html", page=listed, q=q, world=world, highlights=highlights,
                           fields=fields, office=pages.office())


@bp.get("/<lang>/partnerships/<int:partnership_id>")
@allow(PUBLISHED)
def partnership(partnership_id: int):
    found = queries.published_partnership(partnership_id)
    if found is None:
        abort(404)
    fields = pages.shown_fields()
    return render_template("public/partnership.html", view=pages.partnership_page(found, fields), fields=fields)


@bp.get("/<lang>/highlights/<int:highlight_id>")
@allow(PUBLISHED)
def highlight(highlight_id: int):
    found = queries.published_highlight(highlight_id)
    fields = pages.shown_fields()
    if found is None or "highlights" not in fields:
        abort(404)
    return render_template("public/highlight.html", view=pages.highlight_page(found, fields), fields=fields)


@bp.get("/photos/<int:photo_id>")
@allow(PUBLISHED)
def photo(photo_id: int):
    """A published highlight's photo, shown inline (an image type checked on upload, never sniffed)."""
    attachment = queries.published_photo(photo_id)
    if attachment is None:
        abort(404)
    return send_attachment(attachment, inline=True)
