"""The paragraph per partnership and year that staff write for the annual report. Saved with a version, so two
people writing the same partnership's paragraph at once do not overwrite each other unseen."""
from sqlalchemy import select

from crm.auth.models import User
from crm.extensions import db
from crm.governance.models import ReportNarrative
from crm.governance.reports.forms import NarrativeForm


def narratives_of(partnership_ids: list[int], year: int) -> dict[int, ReportNarrative]:
    """Partnership id → its narrative of that year. One query."""
    if not partnership_ids:
        return {}
    return {n.partnership_id: n for n in db.session.scalars(
        select(ReportNarrative).where(ReportNarrative.partnership_id.in_(partnership_ids),
                                      ReportNarrative.year == year))}


def form_prefix(partnership_id: int) -> str:
    return f"p{partnership_id}"


def narrative_for_saving(partnership_id: int, year: int, form: NarrativeForm) -> ReportNarrative:
    """The narrative the form saves onto: the stored one, or a new one when none is stored and the form was
    opened on none (a form opened on none while someone else has since written one is a conflict: the stored
    one is returned, and its version differs from the form's empty one)."""
    narrative = db.session.scalar(select(ReportNarrative).where(ReportNarrative.partnership_id == partnership_id,
                                                                ReportNarrative.year == year))
    if narrative is None:
        narrative = ReportNarrative(partnership_id=partnership_id, year=year, body="")
        db.session.add(narrative)
        db.session.flush()
        if not form.version.data:
            form.version.data = str(narrative.version)
    return narrative


def apply_narrative(narrative: ReportNarrative, form: NarrativeForm, user: User) -> ReportNarrative:
    narrative.body = (form.body.data or "").strip()
    narrative.updated_by_id = user.id
    db.session.flush()
    return narrative
