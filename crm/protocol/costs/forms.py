"""The forms of costs: a cost line, the trip's approval, the totals' filters and the admins' setting."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from crm.clock import office_today
from crm.contacts.names import both
from crm.engagements.models import Engagement
from crm.enums import CostCategory, CostStage, Payer
from crm.forms import FilterForm, Form, enum_choices, none_if_empty, options, strip_filter
from crm.money import from_minor
from crm.programs.missions.forms import MoneyMixin, currency_field
from crm.protocol.costs.queries import travellers
from crm.protocol.costs.rules import NAMED_PAYERS
from crm.protocol.models import CostLine, TripApproval
from crm.versioning import VersionField


class CostLineForm(MoneyMixin, Form):
    version = VersionField()
    stage = RadioField(_l("Budget or actual"), choices=enum_choices(CostStage), default=CostStage.BUDGET.value,
                       validators=[InputRequired()],
                       description=_l("A budget line is what the trip is planned to cost; an actual cost is what "
                                      "was spent."))
    category = SelectField(_l("Category"), choices=enum_choices(CostCategory), validators=[InputRequired()])
    description = StringField(_l("Description"), validators=[Optional(), Length(max=300)], filters=[none_if_empty],
                              description=_l("For example: return flights Portland–Osaka."))
    amount = DecimalField(_l("Amount"), places=None,
                          validators=[InputRequired(_l("Enter the amount.")), NumberRange(min=0, max=10**13)])
    currency = currency_field(_l("Currency"))
    paid_by = SelectField(_l("Paid by"), choices=enum_choices(Payer), default=Payer.CITY.value,
                          validators=[InputRequired()])
    payer_name = StringField(_l("Payer's name"), validators=[Optional(), Length(max=200)], filters=[none_if_empty],
                             description=_l("The grant, the sponsor or the partner's body that paid: the disclosure "
                                            "of travel paid by others names it."))
    roster_entry_id = SelectField(_l("Traveller"), coerce=int, validators=[Optional()],
                                  description=_l("The participant this cost is for, if it is one person's."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and not self.currency.data:
            self.currency.errors.append(_("Choose the currency."))
            valid = False
        if self.paid_by.data in NAMED_PAYERS and not self.payer_name.data:
            self.payer_name.errors = [*self.payer_name.errors, _("Write the name of the grant or the sponsor.")]
            valid = False
        return valid


def make_line_form(engagement: Engagement, line: CostLine | None = None) -> CostLineForm:
    """The form with its choices: the currencies of both cities first, the engagement's travellers."""
    form = CostLineForm(obj=line, partnership=engagement.partnership)
    form.roster_entry_id.choices = options(
        [(0, _("The whole trip, not one traveller"))]
        + [(entry.id, _("%(name)s (%(role)s)", name=both(entry.contact), role=entry.role.label))
           for entry in travellers(engagement.id)])
    if not form.is_submitted():
        form.roster_entry_id.data = line.roster_entry_id or 0 if line is not None else 0
        if line is not None:
            form.amount.data = from_minor(line.amount_minor, line.currency)
    return form


class ApprovalForm(Form):
    version = VersionField()
    body = StringField(_l("Approved by"), validators=[DataRequired(), Length(max=200)], filters=[strip_filter],
                       description=_l("The body that approved the trip: the City Council, the City Manager."))
    approved_on = DateField(_l("Approved on"), validators=[InputRequired(_l("Enter the date."))])
    reference = StringField(_l("Reference"), validators=[Optional(), Length(max=200)], filters=[none_if_empty],
                            description=_l("For example: Resolution 2026-114."))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)], filters=[none_if_empty])

    def validate_approved_on(self, field):
        if field.data and field.data > office_today():
            raise ValidationError(_("An approval is recorded once given: the date cannot be in the future."))


def make_approval_form(approval: TripApproval | None) -> ApprovalForm:
    return ApprovalForm(obj=approval)


class CostsFilterForm(FilterForm):
    """The filters of the totals page (the search box is not used: the rows are figures)."""
    year = SelectField(_l("Year"), coerce=int, validators=[Optional()])
    partnership = SelectField(_l("Partnership"), coerce=int, validators=[Optional()])


class ApprovalSettingsForm(Form):
    version = VersionField()
    approval_lead_days = IntegerField(
        _l("Flag trips without approval (days before departure)"),
        description=_l("A mission, exchange or visit starting within this many days with no approval on record is "
                       "listed on the dashboard."),
        validators=[InputRequired(), NumberRange(min=0, max=365)])
