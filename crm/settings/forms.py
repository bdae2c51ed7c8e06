from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from crm.cities.fields import CityField
from crm.forms import Form, strip_filter
from crm.versioning import VersionField


class SettingsForm(Form):
    version = VersionField()
    office_name = StringField(_l("Office name"), validators=[DataRequired(), Length(max=200)], filters=[strip_filter])
    emergency_phone = StringField(
        _l("Emergency phone during visits"), validators=[Optional(), Length(max=50)], filters=[strip_filter],
        description=_l("Printed on the chaperones' emergency sheet of every visit."))
    threshold_months = IntegerField(
        _l("Default inactivity threshold (months)"),
        description=_l("A partnership with no substantive engagement for longer than this has gone ceremonial."),
        validators=[InputRequired(), NumberRange(min=1, max=120)],
    )
    review_every_years = IntegerField(
        _l("Review every (years)"),
        description=_l("Each partnership falls due for a periodic review this many years after its last decided "
                       "review, or after it was established."),
        validators=[Optional(), NumberRange(min=1, max=20)],  # blank: kept as it is
    )
    review_before_expiry_months = IntegerField(
        _l("Review before an agreement expires (months)"),
        description=_l("A review falls due this many months before a signed agreement expires."),
        validators=[Optional(), NumberRange(min=1, max=60)],  # blank: kept as it is
    )
    default_home_city_id = SelectField(_l("Default home city"), coerce=int, validators=[InputRequired()])
    require_two_factor = BooleanField(
        _l("Require two-factor sign-in for staff"),
        description=_l("Staff then sign in with a one-time code from an authenticator app as well as their password; "
                       "anyone not set up yet is asked to set it up at their next sign-in. Guests are not asked."),
    )


class HomeCityForm(Form):
    city = CityField(_l("Add a home city"), validators=[DataRequired(_l("Choose a city."))])
