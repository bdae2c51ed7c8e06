"""What every printed document shares: the interface language for a document language, "Page n of m" and
long dates."""
from datetime import date

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from flask import current_app

from crm.documents.phrases import page_label_css
from crm.i18n import LANGUAGES


def ui_language(code: str | None) -> str:
    """The interface language closest to a document language (texts may be in any language)."""
    base = (code or "").split("_")[0].split("-")[0]
    return base if base in LANGUAGES else current_app.config["BABEL_DEFAULT_LOCALE"]


def page_label(language: str) -> str:
    """CSS content for "Page 2 of 5" in a language, for @page margin boxes: from the document phrases
    (crm.documents.phrases), the one source of it for every document and language."""
    return page_label_css(language)


def long_date(day: date | None, language: str) -> str:
    if day is None:
        return ""
    try:
        return babel_format_date(day, "long", locale=Locale.parse(language))
    except (UnknownLocaleError, ValueError):
        return babel_format_date(day, "long", locale="en")
