"""The month calendar's filters: partnership and kind (a GET form)."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField
from wtforms.validators import Optional

from crm.calendar.upcoming import KIND_LABELS, KIND_ORDER
from crm.forms import FilterForm, options
from crm.partnerships.choices import partnership_filter_choices


class MonthFilterForm(FilterForm):
    month = HiddenField()
    partnership = SelectField(_l("Partnership"), coerce=int, validators=[Optional()])
    kind = SelectField(_l("Kind"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership.choices = partnership_filter_choices(_l("All partnerships"))
        self.kind.choices = options([("", _l("All kinds"))]
                                    + [(kind, KIND_LABELS[kind]) for kind in sorted(KIND_ORDER, key=KIND_ORDER.get)])
