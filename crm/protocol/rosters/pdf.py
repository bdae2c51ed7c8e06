"""The certified participant list (issue 22 §2): one PDF per town, in that town's language, in the format the EU
town-twinning grant (CERV) asks for: the event (title, dates, place, totals), each participant of the town with
their name in its own script and romanized, town, country, role and a column for their signature, then a
certification block for the host municipality and one for the invited municipality (municipality, place, date,
signature and stamp). Nothing sensitive is printed on it.

Its language: ?lang= (one of the interface's, whose catalogs hold the list's sentences), else the town's: for our
home city the language of its name (its country's), for the partner city its contact's language, else its
country's (as the letters to the partner choose it, crm.governance.reviews.letters), else English."""
from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from crm.contacts.models import Contact
from crm.documents.agreement import city_language, city_name_in, letter_language
from crm.documents.render import long_date
from crm.engagements.models import Engagement
from crm.enums import Side, Visibility
from crm.extensions import db
from crm.i18n import LANGUAGES
from crm.languages import html_lang
from crm.protocol.papers import engagement_paper
from crm.protocol.rosters.counts import counts, host_city, takes_place_abroad


def _interface(code: str | None) -> str | None:
    base = (code or "").replace("-", "_").split("_")[0].lower()
    return base if base in LANGUAGES else None


def partner_language_contact(partnership_id: int) -> Contact | None:
    """The partner-side contact whose language a partner's document is in: the first shared one with a language."""
    return db.session.scalar(
        select(Contact).where(Contact.partnership_id == partnership_id, Contact.side == Side.PARTNER,
                              Contact.visibility == Visibility.SHARED)
        .order_by(Contact.language.is_(None), Contact.name, Contact.id).limit(1))


def list_language(engagement: Engagement, side: Side, requested: str | None = None) -> str:
    """The language of a town's list: the one asked for, else the town's."""
    if requested in LANGUAGES:
        return requested
    partnership = engagement.partnership
    if side == Side.HOME:
        return _interface(city_language(partnership.home_city)) or current_app.config.get("BABEL_DEFAULT_LOCALE",
                                                                                           "en")
    return letter_language(partner_language_contact(partnership.id), partnership.partner_city.country_code)


def certified_html(engagement: Engagement, side: Side, entries: list, language: str) -> str:
    """The list's HTML: entries are the engagement's roster (the town's are picked here)."""
    partnership = engagement.partnership
    home, partner = partnership.home_city, partnership.partner_city
    town = home if side == Side.HOME else partner
    other = partner if side == Side.HOME else home
    host = host_city(engagement)
    invited = partner if not takes_place_abroad(engagement) else home
    ours = [entry for entry in entries if entry.side == side]
    figures = counts(engagement)
    ends_on = getattr(engagement, "ends_on", None) or engagement.occurred_on
    names_lang = {Side.HOME: city_language(home), Side.PARTNER: city_language(partner)}
    with force_locale(language):
        return render_template(
            "rosters/certified.html", side=side, entries=ours, figures=figures,
            town_name=city_name_in(town, language), other_name=city_name_in(other, language),
            host_name=city_name_in(host, language), invited_name=city_name_in(invited, language),
            starts=long_date(engagement.occurred_on, language), ends=long_date(ends_on, language),
            one_day=ends_on == engagement.occurred_on, name_lang=html_lang(names_lang[side] or language),
            **engagement_paper(engagement, language))
