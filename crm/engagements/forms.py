from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from crm.clock import office_today
from crm.engagements.models import LOGGABLE_KINDS, Engagement, EngagementKind, Pillar, Visibility
from crm.extensions import db
from crm.forms import FilterForm, Form, enum_choices, none_if_empty, options, strip_filter
from crm.money import country_currencies, currency_choices, currency_codes, from_minor, is_real_currency, to_minor
from crm.partnerships.models import Partnership, Side
from crm.versioning import VersionField

#: the fields of the optional group "Cost to our side", in their order (templates/engagements/_cost.html)
COST_FIELDS = "cost_amount cost_currency funded_by"


class CostMixin:
    """The optional group "Cost to our side" of an engagement, mission, exchange or project: an amount with its
    currency, and who funded it. Fills .cost_minor when valid; apply_cost() stores it. Amounts in different
    currencies are never added up anywhere (crm.money.totals_by_currency)."""

    cost_minor = None
    cost_amount = DecimalField(_l("Cost to our side"), places=None,
                               validators=[Optional(), NumberRange(min=0, max=10**13)])
    cost_currency = SelectField(_l("Currency of the cost"), validators=[Optional()],
                                choices=options([("", "—")] + [(code, code) for code in currency_codes()]))
    funded_by = StringField(_l("Funded by"), description=_l("E.g. the city budget, a state grant, the partner."),
                            validators=[Optional(), Length(max=200)], filters=[none_if_empty])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        record = kwargs.get("obj")
        partnership = getattr(record, "partnership", None) or _partnership_of_the_page()
        stored = getattr(record, "cost_currency", None)
        self.cost_currency.choices = options([("", "—")] + currency_choices(_local_currencies(partnership),
                                                                            keep=stored))
        if record is not None and not self.is_submitted() and record.cost_minor is not None and stored:
            self.cost_amount.data = from_minor(record.cost_minor, stored)

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        amount, currency = self.cost_amount.data, self.cost_currency.data
        if amount is None:
            if currency:
                self.cost_amount.errors.append(_l("Enter the amount, or leave the currency empty."))
                return False
            return True
        if not is_real_currency(currency):
            self.cost_currency.errors.append(_l("Choose the currency."))
            return False
        try:
            self.cost_minor = to_minor(amount, currency)
        except ValueError:
            self.cost_amount.errors.append(_l("%(currency)s does not have that many decimal places.",
                                              currency=currency))
            return False
        return True


def apply_cost(engagement: Engagement, form: CostMixin) -> None:
    """The cost group's values onto the record (no amount: no currency either)."""
    engagement.cost_minor = form.cost_minor
    engagement.cost_currency = form.cost_currency.data or None if form.cost_minor is not None else None
    engagement.funded_by = form.funded_by.data


def _partnership_of_the_page():
    """The partnership the page's view loaded, from the session's identity map where it can."""
    args = (request.view_args or {}) if has_request_context() else {}
    if "partnership_id" in args:
        return db.session.get(Partnership, args["partnership_id"])
    for name in ("engagement_id", "mission_id", "exchange_id", "project_id"):
        if name in args:
            record = db.session.get(Engagement, args[name])
            return record.partnership if record is not None else None
    return None


def _local_currencies(partnership) -> list[str]:
    if partnership is None:
        return []
    today = office_today()
    return [*country_currencies(partnership.home_city.country_code, today),
            *country_currencies(partnership.partner_city.country_code, today)]


class EngagementForm(CostMixin, Form):
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
