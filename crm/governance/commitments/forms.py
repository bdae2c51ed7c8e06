"""The commitment form and the list's filters."""
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # lazy, under the name extraction knows
from sqlalchemy import select
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from crm.access import STAFF
from crm.auth.models import User
from crm.engagements.models import Engagement
from crm.enums import Side, Visibility
from crm.extensions import db
from crm.forms import FilterForm, Form, enum_choices, none_if_empty, options, strip_filter
from crm.versioning import VersionField

#: the engagements offered as "made at": the partnership's latest ones (and the one already chosen)
ENGAGEMENT_CHOICES = 200


class CommitmentForm(Form):
    version = VersionField()
    side = RadioField(_l("Who promised"), choices=enum_choices(Side), default=Side.HOME.value,
                      validators=[InputRequired()])
    description = TextAreaField(_l("What was promised"), validators=[DataRequired(), Length(max=500)],
                                filters=[strip_filter],
                                description=_l("For example: send the youth orchestra proposal."))
    owner_id = SelectField(_l("Owner"), coerce=int, validators=[Optional()],
                           description=_l("Who of our staff keeps a promise our side made."))
    owner_name = StringField(_l("Owner on the partner side"), validators=[Optional(), Length(max=200)],
                             filters=[none_if_empty],
                             description=_l("The name of who keeps a promise the partner side made."))
    due_on = DateField(_l("Due on"), validators=[InputRequired(_l("Enter the date."))])
    visibility = RadioField(_l("Visible to"), choices=enum_choices(Visibility), default=Visibility.SHARED.value,
                            validators=[InputRequired()])
    engagement_id = SelectField(_l("Made at"), coerce=int, validators=[Optional()],
                                description=_l("The meeting, mission or other engagement it was made at, if any."))

    #: the ids among owner_id's choices that are staff (our side's owner must be one of them)
    staff_ids: frozenset[int] = frozenset()

    def validate(self, extra_validators=None):
        """Besides each field's own checks: an owner of the side that promised (the fields' Optional() would stop
        an inline validator on an empty value)."""
        valid = super().validate(extra_validators)
        if self.side.data == Side.HOME.value and self.owner_id.data not in self.staff_ids:
            self.owner_id.errors = [*self.owner_id.errors, _("Choose who of our staff keeps this commitment.")]
            valid = False
        if self.side.data == Side.PARTNER.value and not self.owner_name.data:
            self.owner_name.errors = [*self.owner_name.errors,
                                      _("Write the name of who keeps it on the partner side.")]
            valid = False
        return valid


def make_form(partnership_id: int, commitment=None, engagement_id: int | None = None) -> CommitmentForm:
    """The form with its choices: active staff, the partnership's latest engagements."""
    form = CommitmentForm(obj=commitment)
    staff = db.session.execute(
        select(User.id, User.name).where(User.role.in_(STAFF), User.active).order_by(User.name)).all()
    form.staff_ids = frozenset(row.id for row in staff)
    form.owner_id.choices = options(
        [(0, _("No one chosen"))] + [(row.id, row.name) for row in staff])
    chosen = commitment.engagement_id if commitment is not None else engagement_id
    recent = (select(Engagement.id, Engagement.occurred_on, Engagement.title)
              .where(Engagement.partnership_id == partnership_id)
              .order_by(Engagement.occurred_on.desc(), Engagement.id.desc()).limit(ENGAGEMENT_CHOICES))
    rows = db.session.execute(recent).all()
    if chosen and chosen not in {row.id for row in rows}:
        rows += db.session.execute(recent.where(Engagement.id == chosen).limit(None)).all()
    form.engagement_id.choices = options(
        [(0, _("Not at an engagement"))]
        + [(row.id, _("%(date)s — %(title)s", date=format_date(row.occurred_on, "medium"), title=row.title))
           for row in rows])
    if not form.is_submitted():
        if commitment is None:
            form.engagement_id.data = chosen or 0
            form.owner_id.data = 0
        else:
            form.owner_id.data = commitment.owner_id or 0
            form.engagement_id.data = commitment.engagement_id or 0
    return form


#: the list's status filter: (value, label); open (with overdue) by default
STATUS_FILTERS = (
    ("", pgettext("commitment status", "Open")),
    ("overdue", _l("Overdue")),
    ("done", pgettext("commitment status", "Done")),
    ("dropped", _l("Dropped")),
    ("all", _l("All")),
)


class CommitmentFilterForm(FilterForm):
    status = SelectField(_l("Status"), choices=options(STATUS_FILTERS), validators=[Optional()])
    owner = SelectField(_l("Owner"), choices=options([("", _l("Anyone")), ("mine", _l("Mine"))]),
                        validators=[Optional()])
    partnership = SelectField(_l("Partnership"), coerce=int, validators=[Optional()])
