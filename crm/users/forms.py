from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from crm.auth.addresses import normalise_email
from crm.auth.forms import NewPasswordMixin
from crm.forms import Form, options, strip_filter
from crm.roles import Role

STAFF_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.VIEWER)


def role_choices():
    return options((role.value, role.label) for role in STAFF_ROLES)


class StaffInviteForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)], filters=[normalise_email])
    role = SelectField(_l("Role"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class RoleForm(Form):
    role = SelectField(_l("Role"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class JoinForm(NewPasswordMixin, Form):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)], filters=[strip_filter])
    password = PasswordField(_l("Choose a password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(_l("Type it again"), validators=[DataRequired(), EqualTo(
        "password", message=_l("The two passwords are not the same."))])
