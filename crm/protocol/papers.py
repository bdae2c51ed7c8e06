"""What every paper of an engagement shares (letters, placement letters, the emergency sheet, certified lists):
the letterhead with both cities' names in the paper's language, the office, and the page's language and
direction."""
from crm.contacts import names
from crm.documents.agreement import _office_name, _party, city_name_in
from crm.documents.render import long_date, page_label
from crm.engagements.models import Engagement
from crm.languages import direction, html_lang


def engagement_paper(engagement: Engagement, language: str) -> dict:
    """The template context every engagement's paper starts from."""
    partnership = engagement.partnership
    home, partner = partnership.home_city, partnership.partner_city
    return {"engagement": engagement, "partnership": partnership,
            "parties": [_party(home, language), _party(partner, language)], "office_name": _office_name(),
            "home_name": city_name_in(home, language), "partner_name": city_name_in(partner, language),
            "lang": html_lang(language), "dir": direction(language), "page_label": page_label(language),
            "day": lambda value: long_date(value, language), "language": language, "names": names}
