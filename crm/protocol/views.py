"""An engagement's "People and protocol" page: who takes part, what it costs and who approved it, where the
guests stay, the gifts and the letters, each capability's section in turn (crm.protocol.page)."""
from flask import Blueprint, render_template

from crm.access import STAFF, allow
from crm.clock import office_today
from crm.engagements.pages import program_url
from crm.engagements.queries import get_engagement_or_404
from crm.protocol.page import CAPABILITIES, engagement_section

bp = Blueprint("protocol", __name__)


@bp.get("/engagements/<int:engagement_id>/people")
@allow(STAFF)
def engagement(engagement_id: int):
    record = get_engagement_or_404(engagement_id)
    return render_template("protocol/engagement.html", engagement=record, partnership=record.partnership,
                           sections=list(CAPABILITIES), record_url=program_url(record.record_type, record.id),
                           **engagement_section(record, office_today()))
