"""What every printed document shares: the interface language for a document language, "Page n of m" and
long dates."""
from datetime import date

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from flask import current_app
from flask_babel import force_locale, gettext

from crm.i18n import LANGUAGES


def ui_language(code: str | None) -> str:
    """The interface language closest to a document language (texts may be in any language)."""
    base = (code or "").split("_")[0].split("-")[0]
    return base if base in LANGUAGES else current_app.config["BABEL_DEFAULT_LOCALE"]


def page_label(language: str) -> str:
    """CSS content for "Page 2 of 5" in a language, for @page margin boxes."""
    with force_locale(ui_language(language)):
        text = gettext("Page %(page)s of %(pages)s", page="\x01", pages="\x02")
    quoted = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return quoted.replace("\x01", '" counter(page) "').replace("\x02", '" counter(pages) "')


def long_date(day: date | None, language: str) -> str:
    if day is None:
        return ""
    try:
        return babel_format_date(day, "long", locale=Locale.parse(language))
    except (UnknownLocaleError, ValueError):
        return babel_format_date(day, "long", locale="en")
