from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # lazy, under the name extraction knows
from wtforms import BooleanField, DateField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from crm.cities.fields import CityField
from crm.forms import FilterForm, Form, MultiCheckboxField, enum_choices, none_if_empty, options
from crm.partnerships.models import PartnershipKind, PartnershipStatus, Priority
from crm.versioning import VersionField


class PartnershipForm(Form):
    version = VersionField()
    home_city_id = SelectField(_l("Home city"), coerce=int, validators=[InputRequired()])
    partner_city = CityField(_l("Partner city"), validators=[DataRequired(_l("Choose the partner city."))])
    kind = SelectField(_l("Kind"), choices=enum_choices(PartnershipKind), validators=[InputRequired()])
    status = SelectField(_l("Status"), choices=enum_choices(PartnershipStatus), validators=[InputRequired()])
    established_on = DateField(_l("Established on"), validators=[Optional()])
    liaison_id = SelectField(_l("Staff liaison"), coerce=int, validators=[Optional()])
    priorities = MultiCheckboxField(_l("Strategic priorities"), choices=enum_choices(Priority))
    threshold_months = IntegerField(
        _l("Inactivity threshold (months)"),
        description=_l("Leave empty to use the office default."),
        validators=[Optional(), NumberRange(min=1, max=120)],
    )
    review_every_years = IntegerField(
        _l("Review every N years (blank: office default)"),
        validators=[Optional(), NumberRange(min=1, max=20)],
    )
    summary = TextAreaField(_l("Summary (shared with the partner)"), validators=[Optional(), Length(max=5000)],
                            filters=[none_if_empty])
    staff_notes = TextAreaField(_l("Staff notes (never shown to the partner)"),
                                validators=[Optional(), Length(max=10000)], filters=[none_if_empty])
    is_public = BooleanField(
        _l("Show on the public directory"),
        description=_l("Anyone may then see the two cities, and what the office publishes of it (the settings "
                       "say which fields), without signing in. Staff notes never are."))

    def validate_partner_city(self, field):
        if field.data is not None and field.data.id == self.home_city_id.data:
            raise ValidationError(_l("A city cannot be its own partner."))


class PartnershipFilterForm(FilterForm):
    status = SelectField(_l("Status"), choices=enum_choices(PartnershipStatus, blank=_l("Any status")),
                         validators=[Optional()])
    country = SelectField(_l("Country"), validators=[Optional()])
    priority = SelectField(_l("Priority"), choices=enum_choices(Priority, blank=_l("Any priority")),
                           validators=[Optional()])
    liaison = SelectField(_l("Liaison"), coerce=int, validators=[Optional()])
    home = SelectField(_l("Home city"), coerce=int, validators=[Optional()])
    archived = SelectField(_l("Show"), choices=options([("", _l("Current")), ("only", _l("Archived"))]),
                           validators=[Optional()])
    health = SelectField(_l("Relationship health"), validators=[Optional()], choices=options([
        ("", _l("Any health")), ("ceremonial", _l("Gone ceremonial")), ("at_risk", _l("At risk")),
        ("attention", _l("Needs attention")), ("new", pgettext("health state", "New")), ("healthy", _l("Healthy")),
        ("not_evaluated", _l("Not evaluated")),
    ]))
    sort = SelectField(_l("Sort by"), validators=[Optional()], choices=options([
        ("health", _l("Health (needs attention first)")), ("partner", _l("Partner city")), ("country", _l("Country")), ("status", _l("Status")),
        ("established", _l("Established (newest first)")), ("updated", _l("Recently updated")),
    ]))
