"""Sister City CRM: the application factory."""
from pathlib import Path

from flask import Flask
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix

from crm.bidi import text_direction
from crm.caching import configure_caching
from crm.config import load_config
from crm.database import IdConverter
from crm.extensions import babel, csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(ROOT / "templates"), instance_path=str(ROOT / "instance"))
    app.config.update(load_config(Path(app.instance_path), config))
    app.url_map.converters["int"] = IdConverter
    configure_proxies(app)
    configure_extensions(app)
    register_blueprints(app)
    configure_caching(app)
    from crm.public.headers import configure_public_headers

    configure_public_headers(app)  # after crm.caching and crm.security: the public face's headers come first
    configure_templates(app)
    from crm.jobs.runners import configure_jobs
    from crm.schedule.rounds import tick

    configure_jobs(app, tick)
    from crm.errors import register_error_handlers

    register_error_handlers(app)
    from crm.cli import crm_cli

    @app.teardown_appcontext
    def remove_session_quietly(exception=None):
        # Runs before Flask-SQLAlchemy's own teardown: if the database went away
        # mid-request, the final rollback fails; the response is already made.
        try:
            db.session.remove()
        except Exception:
            app.logger.warning("could not close the database session cleanly", exc_info=True)

    app.cli.add_command(crm_cli)
    return app


def configure_proxies(app: Flask) -> None:
    """Behind CRM_TRUSTED_PROXIES proxies, take the client's address, scheme and host from their
    X-Forwarded-* headers (only the entries those proxies added); with none, the headers are ignored."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)


def configure_extensions(app: Flask) -> None:
    from crm import models  # noqa: F401  (the whole schema, for Alembic)
    from crm.audit import trail  # noqa: F401  (records every change in the same transaction)
    from crm.database import render_migration_type
    from crm.guests import scope  # limits every query of a guest's request
    from crm.i18n import select_locale, select_timezone
    from crm.settings import activity  # noqa: F401  (marks cached health stale on every change)
    from crm.settings import service as settings_service
    from crm.trash import filters  # noqa: F401  (leaves deleted engagements and files out of every query)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True,
                     render_item=render_migration_type)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    limiter.init_app(app)
    scope.init_app(app)
    settings_service.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(ROOT / "translations"),
    )


def register_blueprints(app: Flask) -> None:
    from crm.access import enforce_declared_access
    from crm.agreements.negotiation_views import bp as negotiation_bp
    from crm.agreements.views import bp as agreements_bp
    from crm.api.pages import bp as api_tokens_bp
    from crm.api.views import bp as api_bp
    from crm.attachments.views import bp as attachments_bp
    from crm.audit.views import bp as audit_bp
    from crm.auth.views import bp as auth_bp
    from crm.bulk.views import bp as bulk_bp
    from crm.calendar.views import bp as calendar_bp
    from crm.cities.views import bp as cities_bp
    from crm.contacts.views import bp as contacts_bp
    from crm.dashboard.views import bp as dashboard_bp
    from crm.documents.views import bp as documents_bp
    from crm.engagements.views import bp as engagements_bp
    from crm.exports.views import bp as exports_bp
    from crm.governance.commitments.views import bp as commitments_bp
    from crm.governance.plans.views import bp as plans_bp
    from crm.governance.reminders.views import bp as reminders_bp
    from crm.governance.reports.views import bp as reports_bp
    from crm.governance.reviews.views import bp as reviews_bp
    from crm.guests.portal import bp as portal_bp
    from crm.guests.views import bp as guests_bp
    from crm.i18n import bp as i18n_bp
    from crm.imports.views import bp as imports_bp
    from crm.main.views import bp as main_bp
    from crm.maps.views import bp as maps_bp
    from crm.partnerships.views import bp as partnerships_bp
    from crm.people.privacy_views import bp as privacy_bp
    from crm.people.views import bp as people_bp
    from crm.preferences.views import bp as preferences_bp
    from crm.programs.exchanges.views import bp as exchanges_bp
    from crm.programs.missions.views import bp as missions_bp
    from crm.programs.projects.views import bp as projects_bp
    from crm.protocol.costs.views import bp as costs_bp
    from crm.protocol.gifts.views import bp as gifts_bp
    from crm.protocol.hosting.views import bp as hosting_bp
    from crm.protocol.letters.views import bp as letters_bp
    from crm.protocol.rosters.views import bp as rosters_bp
    from crm.protocol.views import bp as protocol_bp
    from crm.public.open_data import bp as open_data_bp
    from crm.public.staff_views import bp as publishing_bp
    from crm.public.views import bp as public_bp
    from crm.search.views import bp as search_bp
    from crm.security import add_security_headers
    from crm.security import bp as health_checks_bp
    from crm.settings.views import bp as settings_bp
    from crm.trash.views import bp as trash_bp
    from crm.users.joining import bp as staff_invitations_bp
    from crm.users.views import bp as users_bp
    from crm.wikidata.views import bp as wikidata_bp

    app.before_request(enforce_declared_access)
    app.after_request(add_security_headers)
    for blueprint in (main_bp, auth_bp, i18n_bp, cities_bp, partnerships_bp, engagements_bp, contacts_bp, settings_bp,
                      attachments_bp, calendar_bp, agreements_bp, missions_bp, exchanges_bp, projects_bp,
                      dashboard_bp, guests_bp, portal_bp, documents_bp, health_checks_bp, audit_bp, trash_bp,
                      users_bp, search_bp, maps_bp, api_bp, api_tokens_bp, imports_bp, staff_invitations_bp,
                      bulk_bp, preferences_bp, exports_bp, negotiation_bp, plans_bp, reviews_bp, commitments_bp,
                      reminders_bp, reports_bp, people_bp, privacy_bp, protocol_bp, rosters_bp, costs_bp, gifts_bp,
                      letters_bp, hosting_bp, public_bp, open_data_bp, publishing_bp, wikidata_bp):
        app.register_blueprint(blueprint)


def configure_templates(app: Flask) -> None:
    from flask_babel import get_locale

    from crm import i18n
    from crm.access import can
    from crm.contacts import names
    from crm.engagements.pages import PROGRAM_URL
    from crm.exports.writers import export_url
    from crm.health.reasons import reason, state_label
    from crm.languages import format_list, language_label, name_lang
    from crm.money import format_money
    from crm.pagination import page_url
    from crm.privacy import can_see_sensitive, sensitive
    from crm.programs.registry import program_url

    app.extensions[PROGRAM_URL] = program_url  # engagements find the programs' pages through it
    app.jinja_env.globals.update(
        can=can,
        program_url=program_url,
        page_url=page_url,
        country_name=i18n.country_name,
        text_direction=i18n.text_direction,
        language_name=i18n.language_name,
        language_label=language_label,
        name_lang=name_lang,
        money=format_money,
        health_label=state_label,
        health_reason=reason,
        languages=i18n.LANGUAGES,
        current_locale=get_locale,
        export_url=export_url,
        can_see_sensitive=can_see_sensitive,  # issue 22 §7: passport numbers, medical notes, vetting
        sensitive=sensitive,
        names=names,  # crm.contacts.names: own script, romanized, with the form of address
    )
    app.jinja_env.filters["format_list"] = format_list  # "、" in Japanese, "، " in Arabic, ", " otherwise
    app.jinja_env.filters["datetimeformat"] = i18n.labelled_datetime  # times carry the reader's zone
    app.jinja_env.filters["text_dir"] = text_direction  # typed text in a PDF of the other direction
    i18n.install_template_gettext(app)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
