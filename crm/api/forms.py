from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from crm.forms import FilterForm, Form, options, strip_filter


class ApiTokenForm(Form):
    name = StringField(_l("What is it for?"), validators=[DataRequired(), Length(max=100)], filters=[strip_filter],
                       description=_l("A name that tells your tokens apart, e.g. “open-data portal”."))


class ApiTokenFilterForm(FilterForm):
    state = SelectField(_l("Tokens"), validators=[Optional()], choices=options([
        ("", _l("Working")), ("revoked", _l("Revoked")), ("all", _l("All"))]))
