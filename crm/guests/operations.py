"""What a guest writes from the portal. It flushes; the request commits."""
from crm.auth.models import User
from crm.engagements.models import Engagement, Visibility
from crm.extensions import db
from crm.guests.forms import GuestEngagementForm
from crm.partnerships.models import Partnership, Side


def log_guest_engagement(partnership: Partnership, form: GuestEngagementForm, user: User) -> Engagement:
    """An engagement a partner-side guest logs: always shared, always started and logged by the partner side."""
    engagement = Engagement(
        partnership_id=partnership.id, kind=form.kind.data, occurred_on=form.occurred_on.data,
        title=form.title.data, notes=form.notes.data, substantive=form.substantive.data == "yes",
        visibility=Visibility.SHARED, initiated_by=Side.PARTNER, logged_by=user, logged_by_side=Side.PARTNER)
    db.session.add(engagement)
    db.session.flush()
    return engagement
