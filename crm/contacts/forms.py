from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Email, InputRequired, Length, Optional, ValidationError

from crm.clock import office_today
from crm.contacts.models import OrganizationKind
from crm.engagements.models import Visibility
from crm.forms import FilterForm, Form, enum_choices, languages_field, none_if_empty, strip_filter
from crm.partnerships.models import Side
from crm.versioning import VersionField

#: spoken languages as the contact form takes them: language codes (ja, en, pt-BR), separated by commas


class ContactForm(Form):
    version = VersionField()
    partnership_id = SelectField(_l("Partnership"), coerce=int, validators=[InputRequired()])
    side = SelectField(_l("Side"), choices=enum_choices(Side), validators=[InputRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], filters=[strip_filter])
    job_title = StringField(_l("Title or role"), validators=[Optional(), Length(max=200)], filters=[none_if_empty])
    organization_id = SelectField(_l("Organization"), coerce=int, validators=[Optional()])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)], filters=[none_if_empty])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)], filters=[none_if_empty])
    language = SelectField(_l("Language"), validators=[Optional()])
    visibility = SelectField(_l("Visible to"), choices=enum_choices(Visibility), default=Visibility.STAFF_ONLY.value,
                             validators=[InputRequired()])
    notes = TextAreaField(_l("Staff notes"), validators=[Optional(), Length(max=10000)], filters=[none_if_empty])
    # Protocol (issue 22 §5): how to address the person and write their name
    honorific = StringField(_l("Form of address"), validators=[Optional(), Length(max=100)], filters=[none_if_empty],
                            description=_l("For example: Mayor, Dr., H.E."))
    name_native = StringField(_l("Name in own script"), validators=[Optional(), Length(max=200)],
                              filters=[none_if_empty], description=_l("As the person writes it: 山田 太郎"))
    name_romanized = StringField(_l("Romanized name"), validators=[Optional(), Length(max=200)],
                                 filters=[none_if_empty], description=_l("In Latin letters: YAMADA Taro"))
    family_name_first = BooleanField(_l("Family name first"),
                                     description=_l("As Chinese, Japanese, Korean and Hungarian names are written."))
    languages = languages_field()
    town = StringField(_l("Town"), validators=[Optional(), Length(max=200)], filters=[none_if_empty])
    country = SelectField(_l("Country"), validators=[Optional()])
    passport_name = StringField(_l("Name as in the passport"), validators=[Optional(), Length(max=200)],
                                filters=[none_if_empty])
    # Sensitive (issue 22 §7): the views take them off the form for a reader without protocol access
    # (crm.privacy.withhold_sensitive_fields), so that reader never sees them nor saves them blank
    passport_number = StringField(_l("Passport number"), validators=[Optional(), Length(max=50)],
                                  filters=[none_if_empty])
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])
    dietary_needs = TextAreaField(_l("Dietary needs"), validators=[Optional(), Length(max=2000)],
                                  filters=[none_if_empty])
    medical_notes = TextAreaField(_l("Medical and access notes"), validators=[Optional(), Length(max=5000)],
                                  filters=[none_if_empty])

    def validate_date_of_birth(self, field):
        if field.data and not date(1900, 1, 1) <= field.data <= office_today():
            raise ValidationError(_l("A date of birth is a day in the past."))


class OrganizationForm(Form):
    version = VersionField()
    partnership_id = SelectField(_l("Partnership"), coerce=int, validators=[InputRequired()])
    side = SelectField(_l("Side"), choices=enum_choices(Side), validators=[InputRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)], filters=[strip_filter])
    kind = SelectField(_l("Kind"), choices=enum_choices(OrganizationKind), validators=[InputRequired()])
    website = URLField(_l("Website"), validators=[Optional(), URL(), Length(max=500)], filters=[none_if_empty])
    notes = TextAreaField(_l("Staff notes"), validators=[Optional(), Length(max=10000)], filters=[none_if_empty])


class ContactFilterForm(FilterForm):
    partnership = SelectField(_l("Partnership"), coerce=int, validators=[Optional()])
    side = SelectField(_l("Side"), choices=enum_choices(Side, blank=_l("Both sides")), validators=[Optional()])


class OrganizationFilterForm(ContactFilterForm):
    kind = SelectField(_l("Kind"), choices=enum_choices(OrganizationKind, blank=_l("Any kind")),
                       validators=[Optional()])
