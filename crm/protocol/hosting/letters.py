"""The printed papers of hosting: the placement letter to a host household (its guests, their dates and, for a
reader with protocol access, their dietary needs), the letter to a guest (their host, address and phone), each
in its reader's language, under the agreements' letterhead; and the chaperones' emergency sheet for one night.

A letter's language is its reader's (their Contact.language), else the language of their side's city (ours for
a host, the partner's for a guest), among the interface's languages, whose catalogs hold the letters' sentences.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, render_template
from flask_babel import force_locale

from crm.agreements.forms import country_language
from crm.contacts.models import Contact
from crm.documents.render import long_date
from crm.engagements.models import Engagement
from crm.i18n import LANGUAGES
from crm.protocol.hosting import queries
from crm.protocol.hosting.board import household_data
from crm.protocol.hosting.suggest import language_codes, vetting_valid
from crm.protocol.models import Helper, Placement, RosterEntry
from crm.protocol.papers import engagement_paper
from crm.settings.service import stored_office_settings


def _interface(code: str | None) -> str | None:
    base = (code or "").replace("-", "_").split("_")[0].lower()
    return base if base in LANGUAGES else None


def letter_language(person: Contact | None, city) -> str:
    """The person's language, else their city's country's main language, else the office's default."""
    return (_interface(person.language if person else None) or _interface(country_language(city.country_code))
            or current_app.config.get("BABEL_DEFAULT_LOCALE", "en"))


def _chosen(language: str | None, fallback: str) -> str:
    return language if language in LANGUAGES else fallback


@dataclass
class GuestLine:
    entry: RosterEntry
    stay: queries.StayDates


def host_letter_html(engagement: Engagement, helper: Helper, placements: list[Placement],
                     language: str | None, today: date) -> tuple[str, str]:
    """The letter to a host household about its guests of this visit; its HTML and language."""
    language = _chosen(language, letter_language(helper.contact, engagement.partnership.home_city))
    lines = [GuestLine(p.roster_entry, queries.placement_stay(p, queries.stay_of(p.roster_entry, engagement)))
             for p in placements]
    with force_locale(language):
        return render_template("hosting/pdf/host_letter.html", helper=helper, guests=lines, today=long_date(today, language),
                               **engagement_paper(engagement, language)), language


def guest_letter_html(engagement: Engagement, entry: RosterEntry, placements: list[Placement],
                      language: str | None, today: date) -> tuple[str, str]:
    """The letter to a guest about where they stay; its HTML and language."""
    language = _chosen(language, letter_language(entry.contact, engagement.partnership.partner_city))
    entry_stay = queries.stay_of(entry, engagement)
    stays = [(p, queries.placement_stay(p, entry_stay)) for p in placements]
    with force_locale(language):
        return render_template("hosting/pdf/guest_letter.html", entry=entry, stays=stays,
                               today=long_date(today, language), **engagement_paper(engagement, language)), language


@dataclass
class NightRow:
    entry: RosterEntry
    placement: Placement | None
    vetted: bool  #: the host's vetting holds that night


def night_of(engagement: Engagement, wanted: date | None, today: date) -> date:
    """The night the sheet is for: the one asked for, else tonight when the visit is on, else its first night."""
    if wanted is not None:
        return wanted
    first, last = queries.engagement_days(engagement)
    return today if first <= today <= last else first


def emergency_rows(engagement: Engagement, night: date) -> list[NightRow]:
    """Each partner-side guest staying that night, with the household they sleep in (two queries)."""
    entries = queries.partner_guests(engagement.id)
    placements = queries.engagement_placements(engagement.id)
    rows = []
    for entry in entries:
        stay = queries.stay_of(entry, engagement)
        if not stay.arrives_on <= night < stay.leaves_on:
            continue
        tonight = [p for p in placements if p.roster_entry_id == entry.id
                   and (s := queries.placement_stay(p, stay)).arrives_on <= night < s.leaves_on]
        placement = tonight[0] if tonight else None
        vetted = placement is not None and vetting_valid(household_data(placement.helper, []), night, night)
        rows.append(NightRow(entry, placement, vetted))
    return rows


def emergency_html(engagement: Engagement, night: date, language: str) -> str:
    rows = emergency_rows(engagement, night)
    with force_locale(language):
        return render_template(
            "hosting/pdf/emergency.html", rows=rows, night=night, night_label=long_date(night, language),
            morning_label=long_date(night + timedelta(days=1), language),
            chaperones=queries.chaperones(engagement.id), liaison=engagement.partnership.liaison,
            emergency_phone=_emergency_phone(), spoken=language_codes, **engagement_paper(engagement, language))


def _emergency_phone() -> str | None:
    """The office's emergency number (Settings), if recorded."""
    settings = stored_office_settings()
    return settings.emergency_phone if settings is not None else None
