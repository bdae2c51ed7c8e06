"""The forms of the host registry and of the placement board."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # lazy, under the name extraction knows
from sqlalchemy import select
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from crm.contacts.models import Contact
from crm.enums import HelperKind, Side
from crm.extensions import db
from crm.forms import FilterForm, Form, enum_choices, languages_field, none_if_empty, options
from crm.i18n import LANGUAGES
from crm.languages import DOCUMENT_LANGUAGES, language_label
from crm.partnerships.choices import partnership_choices
from crm.partnerships.queries import visible_partnership_ids
from crm.privacy import can_see_sensitive
from crm.versioning import VersionField

#: spoken languages: codes separated by commas (ja, en, pt-BR)
#: the people offered as a helper's person: the home side's, by name, up to this many (and the one chosen)
PERSON_CHOICES = 500
#: the registry's fields a conflict page compares
HELPER_FIELDS = ["kind", "household_name", "address", "phone", "languages", "rooms", "beds", "pets", "smoking",
                 "step_free", "notes", "vetted_on", "vetting_expires_on", "active"]


class HelperForm(Form):
    version = VersionField()
    contact_id = SelectField(_l("Person"), coerce=int, validators=[Optional()],
                             description=_l("Someone of our side already in the contacts, or a new person."))
    new_name = StringField(_l("Name of the new person"), validators=[Optional(), Length(max=200)],
                           filters=[none_if_empty])
    new_partnership_id = SelectField(_l("Partnership of the new person"), coerce=int, validators=[Optional()],
                                     description=_l("The person is recorded on our side of this partnership; they "
                                                    "may host guests of any partnership."))
    new_language = SelectField(_l("Language of their letters"), validators=[Optional()])
    kind = SelectField(_l("Offers"), choices=enum_choices(HelperKind), default=HelperKind.HOUSEHOLD.value,
                       validators=[InputRequired()])
    household_name = StringField(_l("Household"), validators=[Optional(), Length(max=200)], filters=[none_if_empty],
                                 description=_l("For example: The Miller family"))
    address = TextAreaField(pgettext("postal address", "Address"), validators=[Optional(), Length(max=1000)],
                            filters=[none_if_empty])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)], filters=[none_if_empty],
                        description=_l("The number a guest or a chaperone calls, day and night."))
    languages = languages_field()
    rooms = IntegerField(_l("Guest rooms"), default=0,
                         validators=[InputRequired(_l("Enter a number.")), NumberRange(min=0, max=50)])
    beds = IntegerField(_l("Guest beds"), default=0,
                        validators=[InputRequired(_l("Enter a number.")), NumberRange(min=0, max=50)])
    pets = BooleanField(_l("Pets in the home"))
    smoking = BooleanField(_l("Someone smokes in the home"))
    step_free = BooleanField(_l("Step-free access"))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)], filters=[none_if_empty])
    vetted_on = DateField(_l("Vetted on"), validators=[Optional()])
    vetting_expires_on = DateField(_l("Vetting expires on"), validators=[Optional()],
                                   description=_l("Police checks are renewed every few years."))
    vetting_result = TextAreaField(_l("Vetting result"), validators=[Optional(), Length(max=5000)],
                                   filters=[none_if_empty],
                                   description=_l("Sensitive: only people with protocol and safeguarding access "
                                                  "see it."))
    active = BooleanField(_l("Available for placements"), default=True,
                          description=_l("A household no longer available is kept with its history but never "
                                         "suggested."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if "contact_id" in self._fields and not self.contact_id.data:
            if not self.new_name.data:
                self.new_name.errors = [*self.new_name.errors, _("Choose a person, or write the new person’s name.")]
                valid = False
            if not self.new_partnership_id.data:
                self.new_partnership_id.errors = [*self.new_partnership_id.errors,
                                                  _("Choose the partnership the new person belongs to.")]
                valid = False
        if (self.vetted_on.data and self.vetting_expires_on.data
                and self.vetting_expires_on.data <= self.vetted_on.data):
            self.vetting_expires_on.errors = [*self.vetting_expires_on.errors,
                                              _("The vetting must expire after the day it was done.")]
            valid = False
        if self.vetting_expires_on.data and not self.vetted_on.data:
            self.vetted_on.errors = [*self.vetted_on.errors, _("Enter the day the vetting was done.")]
            valid = False
        return valid



def make_helper_form(helper=None) -> HelperForm:
    """The form with its choices; without protocol access the vetting result is not on it at all, so saving never
    blanks a stored one. A saved helper keeps its person (edit that person from the contacts)."""
    form = HelperForm(obj=helper)
    if not can_see_sensitive():
        del form.vetting_result
    if helper is not None:
        del form.contact_id, form.new_name, form.new_partnership_id, form.new_language
        return form
    people = db.session.execute(
        select(Contact.id, Contact.name).where(Contact.side == Side.HOME,
                                               Contact.partnership_id.in_(visible_partnership_ids()))
        .order_by(Contact.name, Contact.id).limit(PERSON_CHOICES)).all()
    form.contact_id.choices = options([(0, _("A new person"))] + [(row.id, row.name) for row in people])
    form.new_partnership_id.choices = partnership_choices(_l("Choose…"))
    form.new_language.choices = options([("", _l("Not known"))] + [(code, language_label(code)) for code in LANGUAGES])
    if not form.is_submitted():
        form.contact_id.data = 0
    return form


class HelperFilterForm(FilterForm):
    kind = SelectField(_l("Offers"), choices=enum_choices(HelperKind, blank=_l("Any")), validators=[Optional()])
    language = SelectField(_l("Speaks"), validators=[Optional()])
    vetting = SelectField(_l("Vetting"), validators=[Optional()], choices=options([
        ("", _l("Any")), ("expired", _l("Expired or missing")), ("expiring", _l("Expiring within 60 days")),
        ("renew", _l("To renew: expired or expiring")),
        ("valid", _l("Valid"))]))
    active = SelectField(_l("Availability"), validators=[Optional()], choices=options([
        ("", _l("Available")), ("inactive", _l("No longer available")), ("all", _l("All"))]))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = sorted({code.split("_")[0] for code in DOCUMENT_LANGUAGES}, key=lambda c: language_label(c).casefold())
        self.language.choices = options([("", _l("Any"))] + [(code, language_label(code)) for code in codes])


class PlaceForm(Form):
    """A guest placed by hand with a household, for the whole stay or some nights of it."""
    roster_entry_id = SelectField(_l("Guest"), coerce=int, validators=[DataRequired(_l("Choose the guest."))])
    helper_id = SelectField(_l("Host household"), coerce=int,
                            validators=[DataRequired(_l("Choose the host household."))])
    from_on = DateField(_l("From the night of"), validators=[Optional()],
                        description=_l("Leave both dates empty for the whole stay."))
    until_on = DateField(_l("Until the morning of"), validators=[Optional()])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.from_on.data and self.until_on.data and self.until_on.data <= self.from_on.data:
            self.until_on.errors = [*self.until_on.errors, _("The last morning must come after the first night.")]
            valid = False
        return valid


class MoveForm(Form):
    version = VersionField()
    helper_id = SelectField(_l("Move to"), coerce=int, validators=[DataRequired(_l("Choose the host household."))])


def household_choices(households) -> list:
    return options([(h.id, h.household_name or h.contact.name) for h in households])

