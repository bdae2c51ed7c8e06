"""The plain rules of letters: which language a letter is written in, the days of a stay, and when a visit is
over (thank-you letters are drafted from the day after its last day)."""
from datetime import date

from flask import current_app

from crm.cities.models import City
from crm.contacts.models import Contact
from crm.documents.agreement import city_language
from crm.engagements.models import Engagement
from crm.enums import Side
from crm.i18n import LANGUAGES
from crm.partnerships.models import Partnership


def interface_language(code: str | None) -> str | None:
    """The interface language a language code names (zh_Hans → zh, pt-BR → None): a letter's sentences come
    from the interface's catalogs."""
    base = (code or "").replace("-", "_").split("_")[0].lower()
    return base if base in LANGUAGES else None


def city_letter_language(city: City) -> str | None:
    return interface_language(city_language(city))


def letter_language(person: Contact, partnership: Partnership, chosen: str | None = None) -> str:
    """The language chosen, else the person's own (Contact.language), else that of their side's city (the
    partner city's for the partner side, the home city's for ours), else the office's default."""
    side_city = partnership.home_city if person.side == Side.HOME else partnership.partner_city
    return (interface_language(chosen) or interface_language(person.language) or city_letter_language(side_city)
            or current_app.config.get("BABEL_DEFAULT_LOCALE", "en"))


def engagement_days(engagement: Engagement) -> tuple[date, date]:
    """The engagement's first and last day: a mission's or exchange's end, else its one day."""
    last = getattr(engagement, "ends_on", None) or engagement.occurred_on
    return engagement.occurred_on, max(last, engagement.occurred_on)


def stay_days(entry, engagement: Engagement) -> tuple[date, date]:
    """A participant's days of stay: their own arrival and departure where recorded, else the engagement's."""
    first, last = engagement_days(engagement)
    return entry.arrives_on or first, entry.leaves_on or last


def visit_is_over(engagement: Engagement, today: date) -> bool:
    """Thank-you letters are written once the visit is in the past: its last day is before today."""
    return engagement_days(engagement)[1] < today
