"""Staff's controls of the public face (issue 23 §1): marking an engagement as a highlight of the public page.

Publishing a partnership is a checkbox of its own form (crm.partnerships); what the office publishes, its licence
and who may frame the pages are the admins' settings (crm.settings)."""
from flask import Blueprint, request, url_for

from crm.access import EDITORS, allow
from crm.engagements.queries import get_engagement_or_404
from crm.enums import Visibility
from crm.public import staff_operations
from crm.public.staff_forms import NO_PHOTO, HighlightForm
from crm.public.staff_queries import photo_choices
from crm.records import edit_record

bp = Blueprint("publishing", __name__)

#: what the conflict page compares when someone else saved the highlight meanwhile
HIGHLIGHT_FIELDS = ["is_public", "public_summary", "public_programme", "public_photo_id"]


@bp.route("/engagements/<int:engagement_id>/public", methods=["GET", "POST"])
@allow(EDITORS)
def highlight(engagement_id: int):
    """Whether the engagement is a highlight of its partnership's public page, and what that page shows of it."""
    engagement = get_engagement_or_404(engagement_id)
    photos = photo_choices(engagement.id)
    form = HighlightForm(obj=engagement, staff_only=engagement.visibility == Visibility.STAFF_ONLY,
                         photo_ids=[photo.id for photo in photos])
    form.public_photo_id.choices = [(NO_PHOTO, "")] + [(str(photo.id), photo.filename) for photo in photos]
    if request.method == "GET":
        form.public_photo_id.data = str(engagement.public_photo_id or NO_PHOTO)
    page = url_for(".highlight", engagement_id=engagement.id)
    return edit_record(engagement, form, staff_operations.apply_highlight, compare=HIGHLIGHT_FIELDS,
                       template="publishing/highlight.html", done=page, engagement=engagement,
                       partnership=engagement.partnership, photos=photos,
                       is_mission=engagement.record_type == "trade_mission")
