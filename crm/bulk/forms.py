from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import Optional

from crm.forms import ConfirmForm


class LiaisonForm(ConfirmForm):
    """The confirmation of assigning a liaison: who (0: no liaison)."""

    liaison_id = SelectField(_l("Staff liaison"), coerce=int, validators=[Optional()])
