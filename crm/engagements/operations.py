"""Logging and changing engagements. They flush; the request commits."""
from crm.attachments.storage import delete_attachments_of
from crm.auth.models import User
from crm.engagements.forms import EngagementForm
from crm.engagements.models import Engagement
from crm.extensions import db
from crm.partnerships.models import Partnership, Side


def apply_form(engagement: Engagement, form: EngagementForm) -> Engagement:
    engagement.kind = form.kind.data
    engagement.occurred_on = form.occurred_on.data
    engagement.title = form.title.data
    engagement.notes = form.notes.data
    engagement.substantive = form.substantive.data == "yes"
    engagement.visibility = form.visibility.data
    engagement.pillar = form.pillar.data or None
    engagement.initiated_by = form.initiated_by.data
    db.session.add(engagement)
    db.session.flush()
    return engagement


def log_engagement(partnership: Partnership, form: EngagementForm, user: User) -> Engagement:
    engagement = Engagement(
        partnership=partnership, logged_by=user,
        logged_by_side=Side.HOME if user.is_staff else Side.PARTNER,
    )
    return apply_form(engagement, form)


def delete_engagement(engagement: Engagement) -> None:
    """Delete an engagement of any kind (missions, exchanges and projects too) and its files."""
    delete_attachments_of(engagement)
    db.session.delete(engagement)
    db.session.flush()
