"""What letters shows on an engagement's "People and protocol" page and on the dashboard (crm.protocol.page).
Each function reads a fixed number of queries whatever the data size."""
from datetime import date, timedelta

from flask import current_app

from crm.engagements.models import Engagement
from crm.extensions import db
from crm.privacy import can_see_sensitive
from crm.protocol.letters.forms import VisaLetterForm
from crm.protocol.letters.queries import count_incoming, incoming
from crm.protocol.letters.rules import engagement_days, visit_is_over

#: incoming participants the hub lists (then "all N" on the visa letters' page)
HUB_LIMIT = 10


def for_engagement(engagement: Engagement, as_of: date) -> dict:
    """The context of templates/protocol/_engagement_letters.html: the first incoming participants (one query;
    one more to count them when there are more), the letters' choices, and whether thank-you letters are due."""
    entries = db.session.scalars(incoming(engagement).limit(HUB_LIMIT + 1)).unique().all()
    total = len(entries)
    if total > HUB_LIMIT:
        entries = entries[:HUB_LIMIT]
        total = count_incoming(engagement)
    return {"letters_incoming": entries, "letters_incoming_total": total,
            "letters_form": VisaLetterForm(None), "letters_may_print_passport": can_see_sensitive(),
            "letters_visit_over": visit_is_over(engagement, as_of),
            "letters_thanks_from": engagement_days(engagement)[1] + timedelta(days=1),
            "letters_default_language": current_app.config.get("BABEL_DEFAULT_LOCALE", "en")}


def for_dashboard(partnership_ids, as_of: date) -> dict:
    """The context of templates/protocol/_dashboard_letters.html: letters add nothing to the dashboard."""
    return {}
