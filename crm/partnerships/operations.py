"""Changes to partnerships. They flush; the request commits.

A partnership saved from its form or taken out of the archive may not become a second current one of its
pair of cities: those changes raise DuplicatePair (crm.partnerships.duplicates) instead."""
from crm.claims import claim
from crm.database import utcnow
from crm.extensions import db
from crm.forms import fill
from crm.partnerships.duplicates import one_current_pair
from crm.partnerships.forms import PartnershipForm
from crm.partnerships.models import Partnership


def apply_form(partnership: Partnership, form: PartnershipForm) -> Partnership:
    fill(partnership, form, "home_city_id", "partner_city", "kind", "status", "established_on", "liaison_id",
         "threshold_months", "review_every_years", "summary", "staff_notes", "is_public")
    partnership.priorities = form.priorities.data
    db.session.add(partnership)
    db.session.flush()
    return partnership


def apply_form_unless_duplicate(partnership: Partnership, form: PartnershipForm) -> Partnership:
    """apply_form, or DuplicatePair when another current partnership already joins the form's two cities."""
    with one_current_pair(form.home_city_id.data, form.partner_city.data.id, form.status.data,
                          archived=partnership.is_archived, excluding=partnership.id):
        return apply_form(partnership, form)


def archive(partnership: Partnership) -> None:
    """Archive once: a second request (a double-click, another tab) finds it archived and changes nothing."""
    if claim(Partnership, partnership.id, Partnership.archived_at.is_(None), archived_at=utcnow()):
        partnership.archived_at = utcnow()
        db.session.flush()
    else:
        db.session.refresh(partnership)


def restore(partnership: Partnership) -> None:
    """Take out of the archive once (see archive), or DuplicatePair while another one of the pair is current."""
    with one_current_pair(partnership.home_city_id, partnership.partner_city_id, partnership.status,
                          excluding=partnership.id):
        if claim(Partnership, partnership.id, Partnership.archived_at.is_not(None), archived_at=None):
            partnership.archived_at = None
            db.session.flush()
        else:
            db.session.refresh(partnership)
