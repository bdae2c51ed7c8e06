"""Language choice, locale-aware names and the language switcher."""
import functools
from urllib.parse import urlsplit

from babel import Locale
from flask import Blueprint, current_app, g, has_request_context, redirect, request, url_for
from flask_babel import get_locale, get_translations
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import MethodNotAllowed

from crm.access import PUBLIC, allow
from crm.clock import office_timezone
from crm.extensions import db

# Languages whose catalogs are complete; the switcher offers exactly these.
LANGUAGES = ("en", "es", "fr", "de", "ja", "zh", "ar")
RIGHT_TO_LEFT = {"ar", "he", "fa", "ur"}
LANGUAGE_COOKIE = "lang"

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    if not has_request_context():  # CLI and background work: the office default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if g.get("page_language") in LANGUAGES:  # a public page names its language in its URL (crm.public.views)
        return g.page_language
    if _signed_in_language() in LANGUAGES:
        return _signed_in_language()
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return request.accept_languages.best_match(LANGUAGES) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _signed_in() -> bool:
    try:
        return current_user.is_authenticated
    except SQLAlchemyError:
        return False


def _signed_in_language() -> str | None:
    try:
        return current_user.language if current_user.is_authenticated else None
    except SQLAlchemyError:  # the database is down: pages about that still need a language
        return None


def select_timezone() -> str | None:
    """The zone times are shown in: the signed-in reader's own, else the office's (never bare UTC for
    a Portland coordinator who has not chosen one); None (the configured default) for anyone else."""
    if not (has_request_context() and _signed_in() and current_user):
        return None
    if current_user.timezone:
        return current_user.timezone
    try:
        return office_timezone()
    except (KeyError, SQLAlchemyError):  # no settings registered, or the database is down
        return None


def labelled_datetime(moment, format: str = "medium") -> str:
    """A moment in the reader's own time zone, labelled with that zone ("Nov 25, 2026, 3:00 PM PST"),
    so nobody mistakes it for the office's time: only the office's *date* rules what is due."""
    from flask_babel import format_datetime

    if moment is None:
        return ""
    zone = format_datetime(moment, "zzz")  # PST, GMT+14:00, UTC...
    text = format_datetime(moment, format)
    return text if zone in text else f"{text} {zone}"  # 'long' and 'full' carry their zone already


@functools.cache
def language_name(code: str) -> str:
    """A language's name in that language (the way a switcher shows it; every page shows them all)."""
    locale = Locale.parse(code)
    return locale.get_display_name(locale).capitalize()


def install_template_gettext(app) -> None:
    """The templates' _(), ngettext(), pgettext() and npgettext(), as Flask-Babel's but finding the catalog in
    one step: a page calls them a few hundred times, and Flask-Babel looks up its context, domain, locale and
    catalog cache on each call. The catalog is kept beside the locale it is for, so force_locale() (e-mails,
    PDFs in another language) still gets its own."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True)


def _translations():
    context = g.get("_flask_babel")
    locale = getattr(context, "babel_locale", None)
    if locale is None:  # not chosen yet in this request (or outside one): Flask-Babel's own way
        return get_translations()
    kept = getattr(context, "crm_translations", None)
    if kept is None or kept[0] is not locale:
        kept = context.crm_translations = (locale, get_translations())
    return kept[1]


def text_direction() -> str:
    return "rtl" if str(get_locale()).split("_")[0] in RIGHT_TO_LEFT else "ltr"


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return get_locale().territories.get(code.upper(), code.upper())


def country_choices() -> list[tuple[str, str]]:
    """Two-letter country codes with their names in the reader's language."""
    return _country_choices(str(get_locale()))


@functools.lru_cache(maxsize=64)
def _country_choices(locale: str) -> list[tuple[str, str]]:
    """Sorted once per language (a filter form shows them on every list page); a copy per caller is not needed:
    the list is only read."""
    territories = Locale.parse(locale).territories
    countries = [(code, name) for code, name in territories.items() if len(code) == 2 and code.isalpha()
                 and code not in {"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"}]
    return sorted(countries, key=lambda item: item[1].casefold())


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site paths are followed after a redirect."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return fallback


def _opens_with_get(path: str) -> bool:
    """False for an address that only takes POST: going back there would answer 405."""
    try:
        current_app.create_url_adapter(request).match(urlsplit(path).path, method="GET")
    except MethodNotAllowed:
        return False
    except Exception:  # a redirect, a 404: opening it with GET is still what the user asked for
        return True
    return True


@bp.post("/language")
@allow(PUBLIC)
def switch_language():
    code = request.form.get("language", "")
    target = safe_next(request.form.get("next"), url_for("main.home"))
    if not _opens_with_get(target):  # a page shown at a POST-only address (an error after a form was sent)
        target = url_for("main.home")
    response = redirect(target)
    if code in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])  # https only in production
        if current_user.is_authenticated:
            current_user.language = code
            db.session.commit()
    return response
