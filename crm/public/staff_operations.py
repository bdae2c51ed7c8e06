"""Changes staff make to what is published. They flush; the request commits."""
from crm.engagements.models import Engagement
from crm.extensions import db
from crm.public.staff_forms import HighlightForm


def apply_highlight(engagement: Engagement, form: HighlightForm) -> Engagement:
    """The highlight's public fields as the form holds them (already checked by the view: the engagement may be
    public, the photo is one of its images)."""
    engagement.is_public = form.is_public.data
    engagement.public_summary = form.public_summary.data
    engagement.public_programme = form.public_programme.data
    engagement.public_photo_id = int(form.public_photo_id.data or 0) or None
    db.session.flush()
    return engagement
