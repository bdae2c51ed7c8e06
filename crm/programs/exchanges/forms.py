from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from crm.engagements.forms import CostMixin
from crm.engagements.models import Visibility
from crm.forms import Form, enum_choices, none_if_empty, strip_filter
from crm.programs.exchanges.models import ExchangeDirection, ExchangeKind
from crm.programs.lists import ProgramFilterForm
from crm.programs.missions.forms import DateRangeMixin
from crm.programs.missions.queries import organization_choices
from crm.versioning import VersionField


class ExchangeForm(DateRangeMixin, CostMixin, Form):
    version = VersionField()
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)], filters=[strip_filter])
    exchange_kind = SelectField(_l("Kind of exchange"), choices=enum_choices(ExchangeKind),
                                validators=[InputRequired()])
    direction = SelectField(_l("Direction"), choices=enum_choices(ExchangeDirection), validators=[InputRequired()])
    starts_on = DateField(_l("Starts on"), validators=[InputRequired(_l("Enter the date."))])
    ends_on = DateField(_l("Ends on"), validators=[InputRequired(_l("Enter the date."))])
    participants = IntegerField(_l("Participants"), default=0, validators=[InputRequired(), NumberRange(min=0,
                                                                                                       max=100000)])
    host_organization_id = SelectField(_l("Hosting institution"), coerce=int, validators=[Optional()])
    visibility = RadioField(_l("Visible to"), choices=enum_choices(Visibility), default=Visibility.STAFF_ONLY.value,
                            validators=[InputRequired()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=20000)], filters=[none_if_empty])


class ExchangeFilterForm(ProgramFilterForm):
    kind = SelectField(_l("Kind of exchange"), choices=enum_choices(ExchangeKind, blank=_l("Any kind")),
                       validators=[Optional()])
    direction = SelectField(_l("Direction"), choices=enum_choices(ExchangeDirection, blank=_l("Any direction")),
                            validators=[Optional()])


def make_form(partnership_id: int, exchange=None) -> ExchangeForm:
    form = ExchangeForm(obj=exchange)
    form.host_organization_id.choices = organization_choices(partnership_id, _l("No organization"))
    if exchange is not None and not form.is_submitted():
        form.host_organization_id.data = exchange.host_organization_id or 0
    return form
