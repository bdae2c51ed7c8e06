from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from crm.access import ADMINS, allow
from crm.audit.models import AuditEvent
from crm.auth.models import User
from crm.extensions import db
from crm.forms import FilterForm, options
from crm.pagination import paginate
from crm.partnerships.choices import partnership_filter_choices

bp = Blueprint("audit", __name__, url_prefix="/audit")


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
    form.user.choices = options([(0, _l("Anyone"))] + [
        (row.id, row.name) for row in db.session.execute(select(User.id, User.name).order_by(User.name))])
    query = select(AuditEvent).options(joinedload(AuditEvent.user)).order_by(AuditEvent.occurred_at.desc(),
                                                                            AuditEvent.id.desc())
    if partnership := form.value("partnership"):
        query = query.where(AuditEvent.partnership_id == partnership)
    if user := form.value("user"):
        query = query.where(AuditEvent.user_id == user)
    if record := form.value("q") or form.value("record"):
        query = query.where(AuditEvent.record_type == record.strip().lower())
    if since := form.value("since"):
        query = query.where(AuditEvent.occurred_at >= since)
    if until := form.value("until"):
        query = query.where(AuditEvent.occurred_at < until)
    return render_template("audit/index.html", form=form, page=paginate(query))
