from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from crm.forms import Form


class UploadForm(Form):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file to upload."))])
