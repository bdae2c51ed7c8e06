"""What rosters shows on an engagement's "People and protocol" page and on the dashboard (crm.protocol.page).
Each function reads a fixed number of queries whatever the data size."""
from datetime import date

from flask import request

from crm.engagements.models import Engagement
from crm.enums import Side
from crm.i18n import LANGUAGES
from crm.pagination import ListPage
from crm.protocol.rosters.counts import counts
from crm.protocol.rosters.pdf import list_language
from crm.protocol.rosters.queries import roster
from crm.settings.service import stored_office_settings

#: participants a page of the roster shows (a grant's event has 50 to a few hundred)
PER_PAGE = 50
#: the query-string key of the roster's page (the People and protocol page holds other capabilities' lists)
PAGE_ARG = "participants_page"


def collects_sex_and_minor() -> bool:
    settings = stored_office_settings()
    return bool(settings and settings.collect_sex_and_minor)


def page_of(entries: list) -> ListPage:
    pages = max((len(entries) + PER_PAGE - 1) // PER_PAGE, 1)
    page = min(max(request.args.get(PAGE_ARG, 1, type=int), 1), pages)
    return ListPage(entries[(page - 1) * PER_PAGE: page * PER_PAGE], len(entries), page, PER_PAGE)


def for_engagement(engagement: Engagement, as_of: date) -> dict:
    """The context of templates/protocol/_engagement_rosters.html (three queries: the roster, its counts and the
    office's settings)."""
    entries = roster(engagement.id)
    return {"rosters_page": page_of(entries), "rosters_counts": counts(engagement),
            "rosters_collect": collects_sex_and_minor(), "rosters_page_arg": PAGE_ARG,
            "rosters_languages": {side: list_language(engagement, side) for side in Side},
            "rosters_all_languages": LANGUAGES}


def for_dashboard(partnership_ids, as_of: date) -> dict:
    """The context of templates/protocol/_dashboard_rosters.html: nothing (the dashboard's protocol cards are the
    approvals', the gifts' and the hosts')."""
    return {}
