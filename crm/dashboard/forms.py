"""The forms of the dashboard's "New from partners": mark as seen, and how to hear of it by e-mail."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField
from wtforms.validators import InputRequired

from crm.dashboard.partner_activity import MAIL_CHOICES
from crm.forms import Form, options


class SeenForm(Form):
    #: the moment of the newest news shown: what arrived after it stays new
    until = HiddenField()


class PartnerMailForm(Form):
    partner_news_mail = SelectField(_l("E-mail me about it"), choices=options(MAIL_CHOICES),
                                    validators=[InputRequired()])
