from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from crm.engagements.models import LOGGABLE_KINDS, EngagementKind, Pillar, Visibility
from crm.forms import FilterForm, Form, enum_choices, none_if_empty, options, strip_filter
from crm.partnerships.models import Side
from crm.versioning import VersionField


class EngagementForm(Form):
    version = VersionField()
    kind = SelectField(_l("Kind"), choices=options((kind.value, kind.label) for kind in LOGGABLE_KINDS),
                       validators=[InputRequired()])
    occurred_on = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)], filters=[strip_filter])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=20000)], filters=[none_if_empty])
    substantive = RadioField(
        _l("Substance"),
        choices=options([("yes", _l("Substantive (working contact)")),
                         ("no", _l("Protocol only (greetings, ceremonies)"))]),
        default="yes", validators=[InputRequired()],
    )
    visibility = RadioField(_l("Visible to"), choices=enum_choices(Visibility), default=Visibility.STAFF_ONLY.value,
                            validators=[InputRequired()])
    pillar = SelectField(_l("Pillar"), choices=enum_choices(Pillar, blank=_l("No pillar")), validators=[Optional()])
    initiated_by = SelectField(_l("Started by"), choices=enum_choices(Side), default=Side.HOME.value,
                               validators=[InputRequired()])


class EngagementFilterForm(FilterForm):
    """The filters of the list of every engagement."""

    partnership = SelectField(_l("Partnership"), coerce=int, validators=[Optional()])
    kind = SelectField(_l("Kind"), choices=enum_choices(EngagementKind, blank=_l("Any kind")), validators=[Optional()])
    pillar = SelectField(_l("Pillar"), choices=enum_choices(Pillar, blank=_l("Any pillar")), validators=[Optional()])
    substantive = SelectField(_l("Substance"), validators=[Optional()], choices=options([
        ("", _l("Substantive or not")), ("yes", _l("Substantive")), ("no", _l("Protocol only"))]))
    date_from = DateField(_l("From"), validators=[Optional()])
    date_until = DateField(_l("Until"), validators=[Optional()])
