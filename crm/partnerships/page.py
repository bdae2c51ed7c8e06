"""A partnership's page: a compact header, then one section at a time, each at its own URL.

/partnerships/<id> is the timeline (the log composer and what happened); ?section=health, agreements, contacts,
outcomes, guests and history show the rest, each reading only what it shows. Also rendered, with the form's
errors, by a failed engagement entry (crm.engagements.views)."""
from datetime import date

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # lazy, under the name extraction knows
from sqlalchemy import select

from crm.agreements.queries import partnership_agreements
from crm.attachments.queries import partnership_documents
from crm.audit.history import partnership_history
from crm.clock import office_today
from crm.contacts.links_queries import linked_to, partnership_people
from crm.contacts.models import Contact, Organization
from crm.engagements.forms import EngagementForm
from crm.engagements.queries import timeline
from crm.extensions import db
from crm.governance.page import health_summary, partnership_section
from crm.health.pillars import pillar_chart, pillar_counts
from crm.health.service import partnership_health
from crm.pagination import paginate
from crm.partnerships.models import Partnership, Side
from crm.partnerships.queries import get_partnership_or_404
from crm.programs.partnership import partnership_programs
from crm.settings.service import office_settings

TIMELINE = "timeline"
#: the page's sections in the order of its tabs: (name, tab label)
SECTIONS = (
    (TIMELINE, _l("Timeline")),
    ("health", pgettext("relationship health", "Health")),
    ("agreements", _l("Agreements and programs")),
    ("contacts", _l("Contacts and documents")),
    ("outcomes", _l("Outcomes")),
    ("governance", _l("Plan and review")),
    ("guests", _l("Guests")),
    ("history", _l("History of changes")),
)
#: the anchors the page has always had, and the section each is now on (old links and bookmarks keep working)
ANCHORS = {"timeline": TIMELINE, "log-engagement": TIMELINE, "health": "health", "agreements": "agreements",
           "programs": "agreements", "contacts": "contacts", "organizations": "contacts", "documents": "contacts",
           "outcomes": "outcomes", "guests": "guests", "history": "history", "plan": "governance",
           "review": "governance", "commitments": "governance"}


def section_url(partnership_id: int, section: str = TIMELINE, **values) -> str:
    """The page's URL for one section (the timeline has the plain /partnerships/<id>)."""
    if section != TIMELINE:
        values["section"] = section
    return url_for("partnerships.detail", partnership_id=partnership_id, **values)


def anchor_url(partnership_id: int, anchor: str) -> str:
    """Where an old link to /partnerships/<id>#anchor now points: the anchor on the section that holds it."""
    return section_url(partnership_id, ANCHORS.get(anchor, TIMELINE), _anchor=anchor)


def _timeline(partnership: Partnership, as_of: date) -> dict:
    return {"timeline": paginate(timeline(partnership)), "today": as_of,
            "threshold": partnership.threshold_months or office_settings().threshold_months}


def _health(partnership: Partnership, as_of: date) -> dict:
    return {"threshold": partnership.threshold_months or office_settings().threshold_months,
            "pillars": pillar_chart(pillar_counts(as_of, partnership_id=partnership.id),
                                    title=_("Substantive engagements per pillar")),
            **health_summary(partnership, as_of)}


def _agreements(partnership: Partnership, as_of: date) -> dict:
    return {"agreements": partnership_agreements(partnership.id), "programs": partnership_programs(partnership.id),
            "today": as_of}


def _contacts(partnership: Partnership, as_of: date) -> dict:
    contacts = partnership_people(partnership.id)  # everyone linked to it, each with their side and role there
    organizations = db.session.scalars(
        select(Organization).where(Organization.partnership_id == partnership.id)
        .order_by(Organization.side, Organization.name)
    ).all()
    return {"contacts": contacts, "organizations": organizations,
            "documents": partnership_documents(partnership.id)}


def _outcomes(partnership: Partnership, as_of: date) -> dict:
    return {"totals": partnership_programs(partnership.id, limit=0).totals}


def _guests(partnership: Partnership, as_of: date) -> dict:
    """What the partner's guests added, and the partner-side contacts who could be invited."""
    added = db.session.scalars(timeline(partnership).filter_by(logged_by_side=Side.PARTNER).limit(10)).all()
    people = db.session.scalars(
        select(Contact).where(Contact.id.in_(linked_to(partnership.id, Side.PARTNER)))
        .order_by(Contact.name)
    ).all()
    return {"partner_added": added, "partner_contacts": people, "today": as_of}


def _history(partnership: Partnership, as_of: date) -> dict:
    return {"history": partnership_history(partnership.id)}


LOADERS = {TIMELINE: _timeline, "health": _health, "agreements": _agreements, "contacts": _contacts,
           "outcomes": _outcomes, "governance": partnership_section, "guests": _guests, "history": _history}


def detail_page(partnership_id: int, engagement_form: EngagementForm | None = None, section: str = TIMELINE) -> str:
    """One section of the page under the header (the header's health is read for every section)."""
    if section not in LOADERS:
        abort(404)
    partnership = get_partnership_or_404(partnership_id)
    as_of = office_today()
    return render_template(
        "partnerships/detail.html", partnership=partnership, current_section=section, sections=SECTIONS,
        anchors=ANCHORS, health=partnership_health(partnership, as_of),
        engagement_form=engagement_form or EngagementForm(formdata=None),
        **LOADERS[section](partnership, as_of),
    )
