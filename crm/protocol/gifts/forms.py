"""The gift form, the register's filters and the admins' deadline settings."""
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import DateField, DecimalField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from crm.attachments.storage import HEAD_BYTES, detect_type
from crm.clock import office_today
from crm.contacts import names
from crm.contacts.models import Contact, PersonLink
from crm.engagements.models import Engagement
from crm.enums import GiftDirection, GiftDisposition
from crm.extensions import db
from crm.forms import FilterForm, Form, enum_choices, none_if_empty, options, strip_filter
from crm.money import country_currencies, currency_choices, from_minor, is_real_currency, to_minor
from crm.partnerships.models import Partnership
from crm.versioning import VersionField

#: the engagements offered as the occasion: the partnership's latest ones (and the one already chosen)
ENGAGEMENT_CHOICES = 200
#: the people offered as giver or recipient: the partnership's, by name (and the ones already chosen)
PERSON_CHOICES = 500
#: what a gift's photo may be (crm.attachments.storage judges the file from its content)
PHOTO_TYPES = {"png", "jpg"}


def _to_minor(amount_field, currency_field) -> int | None:
    """The amount in the currency's minor unit, or None with the field's error when the pair is not valid."""
    amount, currency = amount_field.data, currency_field.data
    if not is_real_currency(currency):
        currency_field.errors = [*currency_field.errors, _("Choose the currency.")]
        return None
    try:
        return to_minor(amount, currency)
    except ValueError:
        amount_field.errors = [*amount_field.errors,
                               _("%(currency)s does not have that many decimal places.", currency=currency)]
        return None


def _local_currencies(partnership: Partnership | None) -> list[str]:
    if partnership is None:
        return []
    today = office_today()
    return [*country_currencies(partnership.home_city.country_code, today),
            *country_currencies(partnership.partner_city.country_code, today)]


class GiftForm(Form):
    version = VersionField()
    direction = RadioField(_l("The gift was"), choices=enum_choices(GiftDirection),
                           default=GiftDirection.RECEIVED.value, validators=[InputRequired()])
    given_on = DateField(_l("Date it changed hands"), validators=[InputRequired(_l("Enter the date."))],
                         description=_l("The recording deadline runs from this day."))
    engagement_id = SelectField(_l("Occasion"), coerce=int, validators=[Optional()],
                                description=_l("The visit, event or mission at which it was given, if any."))
    occasion = StringField(_l("Occasion, in words"), validators=[Optional(), Length(max=300)],
                           filters=[none_if_empty],
                           description=_l("When it was not at an engagement: a courtesy call, a parcel by post."))
    from_contact_id = SelectField(_l("From (person)"), coerce=int, validators=[Optional()])
    from_name = StringField(_l("From (as published)"), validators=[Optional(), Length(max=300)],
                            filters=[none_if_empty],
                            description=_l("An office, a city or an official’s title and name, as the public register "
                                           "prints it. Left empty, the person’s title and name."))
    to_contact_id = SelectField(_l("To (person)"), coerce=int, validators=[Optional()])
    to_name = StringField(_l("To (as published)"), validators=[Optional(), Length(max=300)],
                          filters=[none_if_empty],
                          description=_l("An office, a city or an official’s title and name. Left empty, the "
                                         "person’s title and name."))
    description = TextAreaField(_l("Description"), validators=[DataRequired(), Length(max=2000)],
                                filters=[strip_filter],
                                description=_l("What it is, as the public register prints it: no private details."))
    value = DecimalField(_l("Estimated value"), places=None, validators=[Optional(), NumberRange(min=0, max=10**13)])
    currency = SelectField(_l("Currency"), validators=[Optional()])
    disposition = SelectField(_l("Where it is now"), validators=[Optional()],
                              choices=enum_choices(GiftDisposition, blank=_l("Not decided yet")))
    photo = FileField(_l("Photo (PNG or JPEG)"), description=_l("A new photo replaces the one kept."))

    #: the amount in minor units, once valid
    value_minor: int | None = None
    #: the people among the choices (id → Contact), to fill an empty name from
    people: dict | None = None

    def validate(self, extra_validators=None):
        """Besides each field's own checks: a giver and a recipient, a date not ahead, a valid amount and an image.
        (The fields' Optional() would stop an inline validator on an empty value.)"""
        valid = super().validate(extra_validators)
        if self.given_on.data and self.given_on.data > office_today():
            self.given_on.errors = [*self.given_on.errors,
                                    _("A gift is recorded once it has changed hands: the date cannot be ahead.")]
            valid = False
        for contact, name in ((self.from_contact_id, self.from_name), (self.to_contact_id, self.to_name)):
            if not contact.data and not name.data:
                name.errors = [*name.errors, _("Choose a person or write an office, a city or a name.")]
                valid = False
        if self.value.data is None and self.currency.data:
            self.value.errors = [*self.value.errors, _("Enter the amount, or leave the currency empty.")]
            valid = False
        elif self.value.data is not None:
            self.value_minor = _to_minor(self.value, self.currency)
            valid = valid and self.value_minor is not None
        if self.photo.data and getattr(self.photo.data, "filename", None):
            stream = self.photo.data.stream
            head = stream.read(HEAD_BYTES)
            stream.seek(0)
            detected = detect_type(head)
            if detected is None or detected[0] not in PHOTO_TYPES:
                self.photo.errors = [*self.photo.errors, _("The photo must be a PNG or JPEG image.")]
                valid = False
        return valid


def _person_label(contact: Contact) -> str:
    return names.both(contact) + (f" · {contact.job_title}" if contact.job_title else "")


def make_form(partnership: Partnership, gift=None, engagement_id: int | None = None) -> GiftForm:
    """The form with its choices: the partnership's latest engagements and its people, the currencies of both
    countries first."""
    form = GiftForm(obj=gift)
    chosen = gift.engagement_id if gift is not None else engagement_id
    recent = (select(Engagement.id, Engagement.occurred_on, Engagement.title)
              .where(Engagement.partnership_id == partnership.id)
              .order_by(Engagement.occurred_on.desc(), Engagement.id.desc()).limit(ENGAGEMENT_CHOICES))
    rows = db.session.execute(recent).all()
    if chosen and chosen not in {row.id for row in rows}:
        rows += db.session.execute(recent.where(Engagement.id == chosen).limit(None)).all()
    form.engagement_id.choices = options(
        [(0, _("Not at an engagement"))]
        + [(row.id, _("%(date)s — %(title)s", date=format_date(row.occurred_on, "medium"), title=row.title))
           for row in rows])
    linked = select(PersonLink.contact_id).where(PersonLink.partnership_id == partnership.id)
    kept = [contact_id for contact_id in (getattr(gift, "from_contact_id", None), getattr(gift, "to_contact_id", None))
            if contact_id]
    people = db.session.scalars(select(Contact).where(Contact.id.in_(linked) | Contact.id.in_(kept))
                                .order_by(Contact.name, Contact.id).limit(PERSON_CHOICES)).all()
    form.people = {person.id: person for person in people}
    person_choices = [(0, _("No one chosen"))] + [(person.id, _person_label(person)) for person in people]
    form.from_contact_id.choices = options(person_choices)
    form.to_contact_id.choices = options(person_choices)
    stored = getattr(gift, "currency", None)
    form.currency.choices = options([("", "—")] + currency_choices(_local_currencies(partnership), keep=stored))
    if not form.is_submitted():
        if gift is None:
            form.engagement_id.data = chosen or 0
            form.from_contact_id.data = form.to_contact_id.data = 0
            form.given_on.data = office_today()
        else:
            form.engagement_id.data = gift.engagement_id or 0
            form.from_contact_id.data = gift.from_contact_id or 0
            form.to_contact_id.data = gift.to_contact_id or 0
            form.disposition.data = gift.disposition.value if gift.disposition else ""
            if gift.value_minor is not None and gift.currency:
                form.value.data = from_minor(gift.value_minor, gift.currency)
    return form


class ChoosePartnershipForm(FilterForm):
    """Which partnership a new gift belongs to (the register's "Record a gift")."""
    partnership = SelectField(_l("Partnership"), coerce=int, validators=[Optional()])


class GiftFilterForm(FilterForm):
    direction = SelectField(_l("Direction"), validators=[Optional()],
                            choices=enum_choices(GiftDirection, blank=_l("Received and given")))
    year = SelectField(_l("Year"), coerce=int, validators=[Optional()])
    partnership = SelectField(_l("Partnership"), coerce=int, validators=[Optional()])


class GiftSettingsForm(Form):
    version = VersionField()
    threshold = DecimalField(_l("Value threshold"), places=None,
                             validators=[InputRequired(_l("Enter the amount (0: every gift).")),
                                         NumberRange(min=0, max=10**13)],
                             description=_l("Gifts at or above this value must be recorded in time and are "
                                            "published in the public register; 0 covers every gift."))
    gift_threshold_currency = SelectField(_l("Currency of the threshold"), validators=[InputRequired()],
                                          description=_l("A gift valued in another currency, or not valued, counts "
                                                         "as at or above the threshold: amounts are never "
                                                         "converted."))
    gift_deadline_days = IntegerField(_l("Recording deadline (days)"),
                                      validators=[InputRequired(_l("Enter a number of days.")),
                                                  NumberRange(min=0, max=365)],
                                      description=_l("Days after a gift changes hands within which it must be "
                                                     "recorded."))

    threshold_minor: int | None = None

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and self.threshold.data is not None:
            self.threshold_minor = _to_minor(self.threshold, self.gift_threshold_currency)
            valid = self.threshold_minor is not None
        return valid


def make_settings_form(settings) -> GiftSettingsForm:
    form = GiftSettingsForm(obj=settings)
    form.gift_threshold_currency.choices = options(currency_choices(keep=settings.gift_threshold_currency))
    if not form.is_submitted():
        form.threshold.data = from_minor(settings.gift_threshold_minor or 0, settings.gift_threshold_currency)
    return form
