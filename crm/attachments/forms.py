from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField
from wtforms.validators import InputRequired

from crm.engagements.models import Visibility
from crm.forms import Form, options


def visibility_choices():
    return options([
        (Visibility.STAFF_ONLY.value, _l("Staff only: only your office's staff see it")),
        (Visibility.SHARED.value, _l("Shared: the partner city's contacts with guest access see it too")),
    ])


class UploadForm(Form):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file to upload."))])
    #: staff uploads only: a guest's own file is always shared (the guest portal's form leaves it out)
    visibility = RadioField(_l("Who sees it"), default=Visibility.STAFF_ONLY.value, choices=visibility_choices())


class VisibilityForm(Form):
    visibility = RadioField(_l("Who sees it"), validators=[InputRequired()], choices=visibility_choices())
