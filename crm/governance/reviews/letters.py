"""The courteous letter to the partner city that goes with a review: ending the partnership, or proposing to
revitalise it with a new plan. In the partner's language (their contact's, else their country's, else English;
among the interface's languages, whose catalogs hold the letter's sentences), with the agreements' letterhead:
both cities' names in their own scripts, their emblems, the office."""
from flask import render_template
from flask_babel import force_locale
from sqlalchemy import select

from crm.clock import office_today
from crm.contacts.models import Contact
from crm.documents.agreement import _office_name, _party, city_name_in, letter_language
from crm.documents.render import long_date, page_label
from crm.enums import Recommendation, Side, Visibility
from crm.extensions import db
from crm.governance.models import PartnershipReview
from crm.i18n import LANGUAGES
from crm.languages import direction, html_lang

KINDS = {"end": Recommendation.END, "revitalise": Recommendation.REVITALISE}


def partner_contact(review: PartnershipReview) -> Contact | None:
    """The partner-side contact the letter is addressed to: the first shared one, by name."""
    return db.session.scalar(
        select(Contact).where(Contact.partnership_id == review.partnership_id, Contact.side == Side.PARTNER,
                              Contact.visibility == Visibility.SHARED)
        .order_by(Contact.language.is_(None), Contact.name, Contact.id).limit(1))


def letter_html(review: PartnershipReview, kind: str, language: str | None = None) -> tuple[str, str]:
    """The letter's HTML and its language."""
    partnership = review.partnership
    home, partner = partnership.home_city, partnership.partner_city
    contact = partner_contact(review)
    language = language if language in LANGUAGES else letter_language(contact, partner.country_code)
    with force_locale(language):
        today = office_today()
        return render_template(
            "reviews/letter.html", review=review, kind=KINDS[kind], Recommendation=Recommendation,
            partnership=partnership, contact=contact, parties=[_party(home, language), _party(partner, language)],
            office_name=_office_name(), home_name=city_name_in(home, language),
            partner_name=city_name_in(partner, language), today=long_date(today, language),
            decided_on=long_date(review.decided_on, language), lang=html_lang(language), dir=direction(language),
            page_label=page_label(language)), language
