from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from crm.forms import Form


class ExportForm(Form):
    file = FileField(_l("The query's result (JSON or CSV)"),
                     validators=[FileRequired(_l("Choose a file to upload."))])
