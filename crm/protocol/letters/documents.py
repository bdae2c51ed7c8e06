"""The HTML of the letters: a visa invitation for an incoming participant and a thank-you to a host or an
official. Each is written in one of the interface's languages (its sentences come from the catalogs, under
force_locale), on the agreements' letterhead (both cities in their own scripts, their emblems, the office), with
names written by crm.contacts.names, and signed by the signatory chosen on the form."""
from dataclasses import dataclass
from datetime import date

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from crm.clock import office_today
from crm.contacts import names
from crm.contacts.models import Contact
from crm.documents.agreement import city_name_in
from crm.documents.render import long_date
from crm.downloads import ascii_file_name
from crm.engagements.models import Engagement
from crm.languages import format_list
from crm.privacy import sensitive
from crm.protocol.letters import queries
from crm.protocol.letters.queries import Recipient
from crm.protocol.letters.rules import engagement_days, stay_days
from crm.protocol.models import RosterEntry
from crm.protocol.papers import engagement_paper


@dataclass
class Signatory:
    name: str | None
    title: str | None


def _frame(engagement: Engagement, language: str) -> dict:
    """What every letter shares: the engagement's paper (crm.protocol.papers) and the date line."""
    return {**engagement_paper(engagement, language), "today": long_date(office_today(), language)}


def visa_letter_html(engagement: Engagement, entry: RosterEntry, language: str, signatory: Signatory,
                     with_passport: bool) -> str:
    """The visa invitation letter of one incoming participant. The passport number is printed only when asked
    for and the reader may see it (crm.privacy.sensitive gives None otherwise)."""
    person = entry.contact
    first, last = stay_days(entry, engagement)
    country = entry.country or person.country
    with force_locale(language):
        return render_template(
            "letters/visa.html", entry=entry, person=person, country=country,
            passport_number=sensitive(person, "passport_number") if with_passport else None,
            arrives=long_date(first, language), leaves=long_date(last, language), single_day=first == last,
            placements=queries.host_placements(entry), payers=queries.who_pays(engagement, entry),
            signatory=signatory, format_list=lambda items: format_list(items, language),
            date_text=lambda day: long_date(day, language), **_frame(engagement, language))


def draft_text(engagement: Engagement, recipient: Recipient, language: str) -> str:
    """The thank-you letter's default text in the language: a greeting, a paragraph for why we thank them, and
    a closing wish. Plain text the user edits; blank lines part its paragraphs."""
    first, last = engagement_days(engagement)
    with force_locale(language):
        home = city_name_in(engagement.partnership.home_city, language)
        dates = long_date(first, language) if first == last else _("%(start)s – %(end)s", start=long_date(
            first, language), end=long_date(last, language))
        visit = engagement.title
        if recipient.reason == "host":
            guests = format_list([names.both(guest) for guest in recipient.guests], language)
            thanks = _("Thank you for welcoming %(guests)s into your home during “%(visit)s” (%(dates)s). Your "
                       "kindness gave our guests a true home in %(city)s, and the memories they made with you are "
                       "the heart of our partnership.", guests=guests, visit=visit, dates=dates, city=home)
        elif recipient.reason == "official":
            thanks = _("Thank you for taking part in “%(visit)s” (%(dates)s). Your presence honoured our city, and "
                       "the time you gave to our meetings will bear fruit for both our communities.",
                       visit=visit, dates=dates)
        else:
            meetings = format_list(recipient.meetings, language)
            thanks = _("Thank you for receiving our delegation during “%(visit)s” (%(dates)s), and for the time "
                       "you gave us at %(meetings)s. We learned a great deal and left with new friends.",
                       visit=visit, dates=dates, meetings=meetings)
        return "\n\n".join([
            _("Dear %(name)s,", name=names.addressed(recipient.contact)),
            thanks,
            _("We look forward to welcoming you again and to continuing the friendship between our cities."),
            _("With warm regards,"),
        ])


def thanks_html(engagement: Engagement, person: Contact, text: str, language: str, signatory: Signatory) -> str:
    """A thank-you letter with the text as written (paragraphs parted by blank lines)."""
    paragraphs = [block.strip().splitlines() for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]
    with force_locale(language):
        return render_template("letters/thanks.html", person=person, paragraphs=paragraphs, signatory=signatory,
                               **_frame(engagement, language))


def visa_file_name(entry: RosterEntry) -> tuple[str, str]:
    """The PDF's name: the participant's own-script name, and an ASCII one."""
    person = entry.contact
    return (f"Visa-letter-{names.own_script(person)}.pdf",
            f"Visa-letter-{ascii_file_name(names.as_in_passport(person))}.pdf")


def thanks_file_name(person: Contact, day: date) -> tuple[str, str]:
    return (f"Thank-you-{names.own_script(person)}-{day.isoformat()}.pdf",
            f"Thank-you-{ascii_file_name(names.romanized(person))}-{day.isoformat()}.pdf")
