from flask import has_request_context, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # lazy, under the name extraction knows
from wtforms import DateField, DecimalField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from crm.cities.fields import CityField
from crm.clock import office_today
from crm.engagements.forms import CostMixin
from crm.engagements.models import Visibility
from crm.extensions import db
from crm.forms import Form, enum_choices, none_if_empty, options, strip_filter
from crm.localtime import LocalTimeError, to_utc
from crm.money import country_currencies, currency_choices, currency_codes, is_real_currency, to_minor
from crm.partnerships.choices import liaison_choices
from crm.partnerships.models import Partnership
from crm.programs.lists import ProgramFilterForm
from crm.programs.missions.models import MissionDirection, OutcomeKind, TradeMission
from crm.settings.service import stored_office_settings
from crm.versioning import VersionField


class DateRangeMixin:
    """ends_on is not before starts_on."""

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end cannot be before the start."))


class MissionForm(DateRangeMixin, CostMixin, Form):
    version = VersionField()
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)], filters=[strip_filter])
    direction = SelectField(_l("Direction"), choices=enum_choices(MissionDirection), validators=[InputRequired()])
    starts_on = DateField(_l("Starts on"), validators=[InputRequired(_l("Enter the date."))])
    ends_on = DateField(_l("Ends on"), validators=[InputRequired(_l("Enter the date."))])
    destination = CityField(_l("Destination"), description=_l("Leave empty for the partner city (outbound) or "
                                                              "the home city (inbound)."))
    lead_id = SelectField(_l("Mission lead"), coerce=int, validators=[Optional()])
    objectives = TextAreaField(_l("Objectives"), validators=[Optional(), Length(max=20000)], filters=[none_if_empty])
    sectors = StringField(_l("Sectors"), description=_l("Separate sectors with commas, e.g. clean energy, ports."),
                          validators=[Optional(), Length(max=500)], filters=[none_if_empty])
    visibility = RadioField(_l("Visible to"), choices=enum_choices(Visibility), default=Visibility.STAFF_ONLY.value,
                            validators=[InputRequired()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=20000)], filters=[none_if_empty])


class ItineraryForm(Form):
    version = VersionField()
    day = DateField(_l("Day"), validators=[InputRequired(_l("Enter the date."))])
    starts = TimeField(_l("From (local time)"), validators=[InputRequired(_l("Enter a time."))])
    ends = TimeField(_l("Until (local time)"), validators=[InputRequired(_l("Enter a time."))])
    timezone = SelectField(_l("Time zone of the place"), validators=[InputRequired()])
    title = StringField(pgettext("itinerary item", "What"), validators=[DataRequired(), Length(max=300)], filters=[strip_filter])
    location = StringField(_l("Where"), validators=[Optional(), Length(max=300)], filters=[none_if_empty])
    contact_id = SelectField(_l("Meeting with"), coerce=int, validators=[Optional()])
    interpreter_id = SelectField(_l("Interpreter"), coerce=int, validators=[Optional()])
    interpreter_language = StringField(_l("Interpreting between"), validators=[Optional(), Length(max=50)],
                                       filters=[none_if_empty], description=_l("For example: ja ↔ en."))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)], filters=[none_if_empty])

    def __init__(self, *args, mission=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.mission = mission
        self.starts_at = self.ends_at = None

    def validate_day(self, field):
        if self.mission and field.data and not (self.mission.starts_on <= field.data <= self.mission.ends_on):
            raise ValidationError(_("Choose a day of the mission (%(start)s to %(end)s).",
                                    start=format_date(self.mission.starts_on), end=format_date(self.mission.ends_on)))

    def validate(self, extra_validators=None):
        """Fields first, then the local times, which need the day, both times and the zone together."""
        if not super().validate(extra_validators):
            return False
        for field in (self.starts, self.ends):
            try:
                moment = to_utc(self.day.data, field.data, self.timezone.data)
            except LocalTimeError as error:
                field.errors.append(_local_time_message(error))
                return False
            if field is self.starts:
                self.starts_at = moment
            else:
                self.ends_at = moment
        if self.ends_at <= self.starts_at:
            self.ends.errors.append(_l("The end must be after the start."))
            return False
        return True


def _local_time_message(error: LocalTimeError):
    if str(error) == "ambiguous":
        return _l("This time happens twice that night (clocks go back). Choose another time.")
    return _l("This time does not exist that day (clocks go forward). Choose another time.")


class DelegateForm(Form):
    # Ids of their own: the mission page also has the itinerary form's contact_id.
    contact_id = SelectField(_l("Person"), coerce=int, validators=[Optional()], id="delegate-contact")
    organization_id = SelectField(_l("Organization"), coerce=int, validators=[Optional()], id="delegate-organization")
    role = StringField(_l("Role in the delegation"), validators=[Optional(), Length(max=200)],
                       filters=[none_if_empty])

    def validate_organization_id(self, field):
        if not field.data and not self.contact_id.data:
            raise ValidationError(_l("Choose a person, an organization, or both."))


class MoneyMixin:
    """An optional amount with its currency; fills .amount_minor when valid.

    The currency select lists the current currencies, the office's and the partner's first: those of the
    partnership given (``partnership=``), else of the record's (``obj=``), else of the one the page is about."""

    amount_minor = None

    def __init__(self, *args, partnership=None, **kwargs):
        super().__init__(*args, **kwargs)
        record = kwargs.get("obj")
        partnership = partnership or getattr(record, "partnership", None) or _partnership_of_the_page()
        stored = getattr(record, "currency", None) or getattr(record, "budget_currency", None)
        self.currency.choices = options([("", "—")] + currency_choices(_local_currencies(partnership), keep=stored))

    def validate(self, extra_validators=None):
        # Not inline validators: Optional() on either field would stop them when it is empty.
        if not super().validate(extra_validators):
            return False
        amount, currency = self.amount.data, self.currency.data
        if amount is None:
            if currency:
                self.amount.errors.append(_l("Enter the amount, or leave the currency empty."))
                return False
            return True
        if not is_real_currency(currency):
            self.currency.errors.append(_l("Choose the currency."))
            return False
        try:
            self.amount_minor = to_minor(amount, currency)
        except ValueError:
            self.amount.errors.append(_l("%(currency)s does not have that many decimal places.", currency=currency))
            return False
        return True


def currency_field(label):
    """The currency select; MoneyMixin puts the choices in, in the order that suits the partnership."""
    return SelectField(label, choices=options([("", "—")] + [(code, code) for code in currency_codes()]),
                       validators=[Optional()])


def _partnership_of_the_page():
    """The partnership the page's view loaded (a program's create page, a mission's page), from the session's
    identity map: no query."""
    args = (request.view_args or {}) if has_request_context() else {}
    if "partnership_id" in args:
        return db.session.get(Partnership, args["partnership_id"])
    if "mission_id" in args:
        mission = db.session.get(TradeMission, args["mission_id"])
        return mission.partnership if mission is not None else None
    return None


def _local_currencies(partnership) -> list[str]:
    """The office's currency, then the partner's: the home city's country's, the partner city's; without a
    partnership, the office's default home city's."""
    today = office_today()
    if partnership is None:
        settings = stored_office_settings()
        home = settings.default_home_city if settings is not None else None
        return country_currencies(home.city.country_code, today) if home is not None else []
    return [*country_currencies(partnership.home_city.country_code, today),
            *country_currencies(partnership.partner_city.country_code, today)]


class OutcomeForm(MoneyMixin, Form):
    kind = SelectField(_l("Outcome"), choices=enum_choices(OutcomeKind), validators=[InputRequired()])
    description = StringField(_l("Description"), validators=[DataRequired(), Length(max=500)],
                              filters=[strip_filter])
    amount = DecimalField(_l("Amount"), places=None,
                          validators=[Optional(), NumberRange(min=0, max=10**13)])
    currency = currency_field(_l("Currency"))

    def validate_kind(self, field):
        if field.data == OutcomeKind.INVESTMENT.value and self.amount.data is None:
            raise ValidationError(_l("An investment needs its amount and currency."))


class MissionFilterForm(ProgramFilterForm):
    direction = SelectField(_l("Direction"), choices=enum_choices(MissionDirection, blank=_l("Both directions")),
                            validators=[Optional()])


def make_form(partnership_id: int, mission=None) -> MissionForm:
    form = MissionForm(obj=mission)
    form.lead_id.choices = liaison_choices(_l("No lead"))
    if mission is not None and not form.is_submitted():
        form.lead_id.data = mission.lead_id or 0
    return form
