"""Changes to partnerships. They flush; the request commits."""
from crm.claims import claim
from crm.database import utcnow
from crm.extensions import db
from crm.partnerships.forms import PartnershipForm
from crm.partnerships.models import Partnership


def apply_form(partnership: Partnership, form: PartnershipForm) -> Partnership:
    partnership.home_city_id = form.home_city_id.data
    partnership.partner_city = form.partner_city.data
    partnership.kind = form.kind.data
    partnership.status = form.status.data
    partnership.established_on = form.established_on.data
    partnership.liaison_id = form.liaison_id.data or None
    partnership.priorities = form.priorities.data
    partnership.threshold_months = form.threshold_months.data
    partnership.summary = form.summary.data
    partnership.staff_notes = form.staff_notes.data
    db.session.add(partnership)
    db.session.flush()
    return partnership


def archive(partnership: Partnership) -> None:
    """Archive once: a second request (a double-click, another tab) finds it archived and changes nothing."""
    if claim(Partnership, partnership.id, Partnership.archived_at.is_(None), archived_at=utcnow()):
        partnership.archived_at = utcnow()
        db.session.flush()
    else:
        db.session.refresh(partnership)


def restore(partnership: Partnership) -> None:
    """Take out of the archive once (see archive)."""
    if claim(Partnership, partnership.id, Partnership.archived_at.is_not(None), archived_at=None):
        partnership.archived_at = None
        db.session.flush()
    else:
        db.session.refresh(partnership)
