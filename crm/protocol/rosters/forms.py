"""The participant form (staff's and the partner's), the spreadsheet upload and the office's roster settings."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # lazy, under the name extraction knows
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from crm.contacts import names
from crm.enums import ParticipantRole, Payer, Sex, Side
from crm.forms import Form, enum_choices, none_if_empty, options
from crm.i18n import country_choices
from crm.versioning import VersionField

#: the "person" picker's choice for someone not in the CRM yet
NEW_PERSON = 0


class ParticipantForm(Form):
    version = VersionField()
    person = SelectField(_l("Person"), coerce=int, validators=[Optional()],
                         description=_l("Someone already linked to this partnership, or a new person: type their "
                                        "name below."))
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)], filters=[none_if_empty],
                       description=_l("As the person usually writes it."))
    name_native = StringField(_l("Name in its own script"), validators=[Optional(), Length(max=200)],
                              filters=[none_if_empty], description=_l("For example: 山田 太郎, محمد علي."))
    name_romanized = StringField(_l("Name in Latin letters"), validators=[Optional(), Length(max=200)],
                                 filters=[none_if_empty], description=_l("For example: YAMADA Taro."))
    family_name_first = BooleanField(_l("Family name first"),
                                     description=_l("Chinese, Japanese, Korean and Hungarian names."))
    side = RadioField(_l("On the list of"), validators=[InputRequired()])
    role = SelectField(pgettext("participant", "Role"), choices=enum_choices(ParticipantRole),
                       default=ParticipantRole.DELEGATE.value, validators=[InputRequired()])
    town = StringField(_l("Town"), validators=[Optional(), Length(max=200)], filters=[none_if_empty],
                       description=_l("Where the participant lives, if not the partner city itself."))
    country = SelectField(_l("Country"), validators=[Optional()])
    arrives_on = DateField(_l("Arrives on"), validators=[Optional()])
    leaves_on = DateField(_l("Leaves on"), validators=[Optional()])
    sex = SelectField(_l("Sex"), choices=enum_choices(Sex, blank=_l("Not stated")), validators=[Optional()])
    minor = BooleanField(_l("Under 18"))
    funded_by = SelectField(_l("Funded by"), choices=enum_choices(Payer, blank=_l("Not recorded")),
                            validators=[Optional()])
    funder_name = StringField(_l("Grant or sponsor"), validators=[Optional(), Length(max=200)],
                              filters=[none_if_empty], description=_l("The grant's or sponsor's name, if one pays."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        new_person = "person" not in self._fields or self.person.data in (None, NEW_PERSON)
        if new_person and not (self.name.data or self.name_native.data or self.name_romanized.data):
            self.name.errors = [*self.name.errors, _("Write the participant's name.")]
            valid = False
        if self.arrives_on.data and self.leaves_on.data and self.leaves_on.data < self.arrives_on.data:
            self.leaves_on.errors = [*self.leaves_on.errors, _("The departure cannot be before the arrival.")]
            valid = False
        return valid


def make_form(engagement, entry=None, *, people=(), collect: bool, guest: bool = False) -> ParticipantForm:
    """The form with its choices: the sides by their cities' names, countries in the reader's language, the
    people to pick from (new entries only). A guest adds to their own side only, without funding; where the office
    does not collect sex and age, those fields are not asked."""
    form = ParticipantForm(obj=entry)
    partnership = engagement.partnership
    form.side.choices = options([(Side.HOME.value, partnership.home_city.name),
                                 (Side.PARTNER.value, partnership.partner_city.name)])
    form.country.choices = options([("", _("Not stated"))] + country_choices())
    if entry is not None or guest:
        del form.person
    else:
        form.person.choices = options([(NEW_PERSON, _("A new person (type the name below)"))]
                                      + [(person.id, names.both(person)) for person in people])
    if guest:
        del form.side, form.funded_by, form.funder_name
    if not collect:
        del form.sex, form.minor
    if not form.is_submitted():
        if entry is not None:
            person = entry.contact
            for name in ("name", "name_native", "name_romanized", "family_name_first"):
                form[name].data = getattr(person, name)
            if "sex" in form:
                form.sex.data = person.sex or ""
            form.country.data = entry.country or ""
        else:
            if "side" in form:
                form.side.data = Side.PARTNER.value
            if "person" in form:
                form.person.data = NEW_PERSON
            form.arrives_on.data = engagement.occurred_on
            form.leaves_on.data = getattr(engagement, "ends_on", None) or engagement.occurred_on
    return form


class UploadForm(Form):
    file = FileField(_l("Your list (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file to upload."))],
                     description=_l("One participant a row, with a header row: name, name in its own script, town, "
                                    "role, arrival, departure… in your language."))


class ApplyUploadForm(Form):
    """The preview's form: the file as read (signed, so it cannot be changed on the way) and the columns chosen."""
    table = HiddenField()


class RosterSettingsForm(Form):
    version = VersionField()
    collect_sex_and_minor = BooleanField(
        _l("Ask for sex and whether a participant is under 18"),
        description=_l("Grant reports (such as the EU town-twinning grant) ask for these counts; many offices do "
                       "not collect them."))
    roster_retention_years = IntegerField(
        _l("Keep participant lists for (years)"),
        description=_l("Rosters, and so the certified lists, are deleted this many years after the engagement "
                       "ended, by the daily purge."),
        validators=[InputRequired(), NumberRange(min=1, max=50)])
