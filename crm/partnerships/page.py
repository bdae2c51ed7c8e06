"""A partnership's page: everything known about it, gathered from every feature that builds on it.

Also rendered, with the form's errors, by a failed engagement entry (crm.engagements.views)."""
from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.agreements.queries import partnership_agreements
from crm.attachments.queries import partnership_documents
from crm.audit.history import partnership_history
from crm.clock import office_today
from crm.contacts.models import Contact, Organization
from crm.engagements.forms import EngagementForm
from crm.engagements.queries import timeline
from crm.extensions import db
from crm.health.pillars import pillar_chart, pillar_counts
from crm.health.service import partnership_health
from crm.pagination import paginate
from crm.partnerships.queries import get_partnership_or_404
from crm.programs.partnership import partnership_programs
from crm.settings.service import office_settings


def detail_page(partnership_id: int, engagement_form: EngagementForm | None = None) -> str:
    partnership = get_partnership_or_404(partnership_id)
    timeline_page = paginate(timeline(partnership))
    contacts = db.session.scalars(
        select(Contact).where(Contact.partnership_id == partnership.id)
        .options(joinedload(Contact.organization)).order_by(Contact.side, Contact.name)
    ).all()
    organizations = db.session.scalars(
        select(Organization).where(Organization.partnership_id == partnership.id)
        .order_by(Organization.side, Organization.name)
    ).all()
    as_of = office_today()
    programs = partnership_programs(partnership.id)
    return render_template(
        "partnerships/detail.html", partnership=partnership, timeline=timeline_page, contacts=contacts,
        organizations=organizations, engagement_form=engagement_form or EngagementForm(formdata=None),
        threshold=partnership.threshold_months or office_settings().threshold_months,
        agreements=partnership_agreements(partnership.id), programs=programs,
        totals=programs.totals, today=as_of,
        health=partnership_health(partnership, as_of),
        pillars=pillar_chart(pillar_counts(as_of, partnership_id=partnership.id),
                             title=_("Substantive engagements per pillar")),
        documents=partnership_documents(partnership.id), history=partnership_history(partnership.id),
    )
