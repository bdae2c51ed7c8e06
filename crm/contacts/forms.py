from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Email, InputRequired, Length, Optional

from crm.contacts.models import OrganizationKind
from crm.engagements.models import Visibility
from crm.forms import FilterForm, Form, enum_choices, none_if_empty, strip_filter
from crm.partnerships.models import Side
from crm.versioning import VersionField


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
