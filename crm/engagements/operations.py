"""Logging and changing engagements. They flush; the request commits."""
from crm.auth.models import User
from crm.engagements.forms import EngagementForm, apply_cost
from crm.engagements.models import Engagement
from crm.extensions import db
from crm.forms import fill
from crm.partnerships.models import Partnership, Side


def apply_form(engagement: Engagement, form: EngagementForm) -> Engagement:
    fill(engagement, form, "kind", "occurred_on", "title", "notes", "visibility", "initiated_by")
    engagement.substantive = form.substantive.data == "yes"
    engagement.pillar = form.pillar.data or None
    apply_cost(engagement, form)
    db.session.add(engagement)
    db.session.flush()
    return engagement


def log_engagement(partnership: Partnership, form: EngagementForm, user: User) -> Engagement:
    """A new entry on the partnership's timeline, logged by the user on their side."""
    engagement = Engagement(
        partnership=partnership, logged_by=user,
        logged_by_side=Side.HOME if user.is_staff else Side.PARTNER,
    )
    return apply_form(engagement, form)


def delete_engagement(engagement: Engagement, user: User | None) -> None:
    """Delete an engagement of any kind (missions, exchanges and projects too) with everything of it.

    It disappears at once; an admin can restore it for 30 days (crm.trash)."""
    from crm.trash.operations import soft_delete

    soft_delete(engagement, user)
