"""The lists of the three programs that live on the timeline (missions, exchanges, projects): their
common filters and their query through the reader's scope."""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from crm.clock import office_today
from crm.forms import FilterForm
from crm.matching import contains
from crm.partnerships.models import Partnership
from crm.partnerships.queries import visible_partnership_ids


class ProgramFilterForm(FilterForm):
    """Date range and partnership, common to the mission, exchange and project lists."""

    starts_from = DateField(_l("From"), validators=[Optional()])
    starts_until = DateField(_l("Until"), validators=[Optional()])
    partnership = SelectField(_l("Partnership"), coerce=int, validators=[Optional()])


def scoped_program_list(model, form: ProgramFilterForm, *options) -> Select:
    """A program list through the reader's scope, with the common filters applied.

    A program is in the date range when it overlaps it."""
    query = (
        select(model).where(model.partnership_id.in_(visible_partnership_ids()))
        .options(joinedload(model.partnership).joinedload(Partnership.partner_city), *options)
    )
    if q := form.value("q"):
        query = query.where(contains(model.title, q))
    if start := form.value("starts_from"):
        query = query.where(func.coalesce(model.ends_on, model.occurred_on) >= start)
    if until := form.value("starts_until"):
        query = query.where(model.occurred_on <= until)
    if partnership := form.value("partnership"):
        query = query.where(model.partnership_id == partnership)
    return query


def is_upcoming(starts_on: date, today: date | None = None) -> bool:
    return starts_on > (today or office_today())
