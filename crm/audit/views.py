from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from crm.access import ADMINS, allow
from crm.audit.queries import audit_events, people
from crm.audit.reading import read_events
from crm.forms import FilterForm, options
from crm.pagination import paginate
from crm.partnerships.choices import partnership_filter_choices

bp = Blueprint("audit", __name__, url_prefix="/audit")
#: the history on a partnership's page reads its events too (templates/audit/_events.html)
bp.add_app_template_global(read_events, "read_events")


class AuditFilterForm(FilterForm):
    partnership = SelectField(_l("Partnership"), coerce=int, validators=[Optional()])
    user = SelectField(_l("Who"), coerce=int, validators=[Optional()])
    record = StringField(_l("Record"), validators=[Optional(), Length(max=64)],
                         description=_l("e.g. partnerships, engagement, agreements"))
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])


@bp.get("/")
@allow(ADMINS)
def index():
    form = AuditFilterForm()
    form.partnership.choices = partnership_filter_choices(_l("All partnerships"))
    form.user.choices = options([(0, _l("Anyone"))] + people())
    query = audit_events(partnership=form.value("partnership"), user=form.value("user"),
                         record=form.value("q") or form.value("record"), since=form.value("since"),
                         until=form.value("until"))
    return render_template("audit/index.html", form=form, page=paginate(query))
