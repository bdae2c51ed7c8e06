"""A new web process gets ready in the background, so its first users do not wait.

Measured cold (issue 18, section 7): the first agreement PDF took 2.6 s (a PDF worker starting, importing
WeasyPrint, scanning the fonts, loading each script's font) and, with two workers taken in turn, so did the
second; the first city lookup 1.8–3.3 s (the gazetteer and the text matcher's folding tables were built on
first use; the gazetteer is now an index on disk, crm.cities.gazetteer_index, built once per release, not
loaded into every worker); the first page of each kind 0.1–0.2 s (its templates compiled, the language's
CLDR data loaded).

warm_at_start(app) starts two daemon threads and returns at once: one starts the office's PDF workers, each
rendering a few words in every script (crm.pdf.warm_workers); the other compiles the templates, loads the
interface catalogs and does one city lookup (building the gazetteer's index on disk first if no worker has).
A request that comes meanwhile is served as it would have been (it may wait for what it needs, never for the
rest). Off unless PDF_WARM_AT_START (CRM_PDF_WARM_AT_START; on by default in production, off in development
and tests): gunicorn.conf.py calls it in each worker process once the app is loaded (post_worker_init),
never in the master, so gunicorn's forking is untouched.
"""
import logging
import threading

from flask import Flask

from crm.pdf import warm_workers

log = logging.getLogger(__name__)


def warm_at_start(app) -> list[threading.Thread]:
    """Start warming this web process (when the app's PDF_WARM_AT_START says so); the threads started."""
    if not isinstance(app, Flask) or not app.config.get("PDF_WARM_AT_START"):
        return []
    threads = [threading.Thread(target=_quietly, args=(job, app), daemon=True, name=f"warm-{job.__name__}")
               for job in (warm_workers, warm_web)]
    for thread in threads:
        thread.start()
    return threads


def _quietly(job, app) -> None:
    try:
        job(app)
    except Exception:  # warming is a courtesy: what failed here is done on first use instead
        log.warning("warming at start: %s failed; it is done on first use instead", job.__name__, exc_info=True)


def warm_web(app) -> None:
    """What this web process builds on first use: every page template compiled, the interface catalogs and
    the CLDR data of each interface language (dates, numbers, country names: 0.2–0.4 s a language on first
    use), the matcher's folding tables and the gazetteer's index on disk (one city lookup, as the picker makes
    it: the index is built, in a child process, if this release has none yet; the gazetteer itself is not
    loaded into this process)."""
    from babel import Locale
    from flask_babel import force_locale, get_translations

    from crm.cities.service import lookup
    from crm.extensions import db
    from crm.i18n import LANGUAGES

    for name in app.jinja_env.list_templates(filter_func=lambda name: name.endswith(".html")):
        app.jinja_env.get_template(name)
    with app.test_request_context():
        for language in LANGUAGES:
            with force_locale(language):
                get_translations()
            Locale.parse(language).territories  # noqa: B018  (reading one loads the whole locale's data)
        try:
            lookup("Kyoto")
        finally:
            db.session.remove()
