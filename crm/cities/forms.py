from flask_babel import lazy_gettext as _l
from wtforms import FloatField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from crm.forms import Form, none_if_empty, options, strip_filter
from crm.localtime import time_zones
from crm.versioning import VersionField


def timezone_choices():
    return options([("", _l("Not known"))] + [(name, name) for name in sorted(time_zones())])


class CityForm(Form):
    version = VersionField()
    name = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=200)], filters=[strip_filter])
    native_name = StringField(_l("Name in its own script"), validators=[Optional(), Length(max=200)],
                              filters=[none_if_empty])
    country_code = SelectField(_l("Country"), validators=[DataRequired()])
    region = StringField(_l("Region"), validators=[Optional(), Length(max=200)], filters=[none_if_empty])
    population = IntegerField(_l("Population"), validators=[Optional(), NumberRange(min=0, max=100_000_000)])
    latitude = FloatField(_l("Latitude"), validators=[Optional(), NumberRange(min=-90, max=90)])
    longitude = FloatField(_l("Longitude"), validators=[Optional(), NumberRange(min=-180, max=180)])
    timezone = SelectField(_l("Time zone"), validators=[Optional()])

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.country_code.choices = options([("", _l("Choose a country"))] + list(countries))
        self.timezone.choices = timezone_choices()
