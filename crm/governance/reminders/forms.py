"""The reminders' settings form: the lead times of each kind, and how far ahead anniversaries are listed."""
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from crm.enums import ReminderKind
from crm.forms import Form, strip_filter
from crm.governance.reminders.leadtimes import DEFAULTS, MAX_DAYS, MAX_PER_KIND, LeadTimeError, parse_days

#: the form's field of each kind
FIELDS = {
    ReminderKind.AGREEMENT_EXPIRY: "agreement_expiry",
    ReminderKind.ANNIVERSARY: "anniversary",
    ReminderKind.REVIEW_DUE: "review_due",
    ReminderKind.COMMITMENT_DUE: "commitment_due",
    ReminderKind.MILESTONE: "milestone",
}


def lead_days_text(days) -> str:
    return ", ".join(str(day) for day in days)


class LeadDaysField(StringField):
    """Days before the date, separated by commas ("180, 30, 7"); empty: the kind's defaults."""

    def __init__(self, label, kind: ReminderKind, **kwargs):
        kwargs.setdefault("filters", [strip_filter])
        kwargs.setdefault("validators", [Length(max=200)])
        kwargs.setdefault("render_kw", {"inputmode": "numeric", "autocomplete": "off"})
        super().__init__(label, **kwargs)
        self.kind = kind
        self.days: tuple[int, ...] = ()
        self.description = _l("Days before the date, separated by commas. Empty: the defaults (%(days)s).",
                              days=lead_days_text(DEFAULTS[kind]))

    def pre_validate(self, form):
        try:
            self.days = parse_days(self.data)
        except LeadTimeError as error:
            if error.reason == "too_many":
                raise ValidationError(_l("At most %(num)d lead times.", num=MAX_PER_KIND)) from error
            if error.reason == "too_far":
                raise ValidationError(_l("%(value)s days is too far ahead: at most %(max)d.",
                                         value=error.values["value"], max=MAX_DAYS)) from error
            raise ValidationError(_l("“%(value)s” is not a whole number of days from 0 to %(max)d.",
                                     value=error.values["value"], max=MAX_DAYS)) from error


class ReminderSettingsForm(Form):
    agreement_expiry = LeadDaysField(_l("Before an agreement expires"), ReminderKind.AGREEMENT_EXPIRY)
    anniversary = LeadDaysField(_l("Before an anniversary"), ReminderKind.ANNIVERSARY)
    review_due = LeadDaysField(_l("Before a review is due"), ReminderKind.REVIEW_DUE)
    commitment_due = LeadDaysField(_l("Before a commitment is due"), ReminderKind.COMMITMENT_DUE)
    milestone = LeadDaysField(_l("Before a project milestone is due"), ReminderKind.MILESTONE)
    anniversary_lead_months = IntegerField(
        _l("List anniversaries ahead (months)"),
        description=_l("The dashboard and the calendar list partnership and agreement anniversaries this many "
                       "months ahead."),
        validators=[InputRequired(), NumberRange(min=1, max=60)])

    def lead_fields(self):
        return [self[name] for name in FIELDS.values()]
