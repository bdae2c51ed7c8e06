from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectField
from wtforms.validators import InputRequired, Optional

from crm.forms import Form, options
from crm.imports.columns import ASSOCIATION, CONTACTS, PARTNERS, PARTNERSHIPS


class UploadForm(Form):
    file = FileField(_l("Spreadsheet (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file to upload."))])
    kind = RadioField(_l("The file holds"), default=PARTNERSHIPS, validators=[InputRequired()], choices=options([
        (PARTNERSHIPS, _l("Partnerships")), (CONTACTS, _l("Contacts"))]))
    mode = RadioField(_l("Partnerships of"), default=PARTNERS, validators=[InputRequired()], choices=options([
        (PARTNERS, _l("Our home city: the file lists its partner cities")),
        (ASSOCIATION, _l("An association: each row's first city is a member (home) city")),
    ]))
    home_city_id = SelectField(_l("Home city"), coerce=int, validators=[Optional()])
    partnership_id = SelectField(_l("Contacts of"), coerce=int, validators=[Optional()],
                                 description=_l("Or leave this and map a column naming each contact's partner city."))


def column_form(fields: dict, headers: list[str], samples: list[list[str]], mapping: dict):
    """A select per field, listing the file's columns with a few sample values."""

    class ColumnForm(Form):
        pass

    def label(index: int) -> str:
        shown = ", ".join(v for v in dict.fromkeys(row[index] for row in samples if row[index]))[:60]
        return f"{headers[index]} ({shown})" if shown else headers[index]

    choices = options([(-1, _l("Not in the file"))] + [(i, label(i)) for i in range(len(headers))])
    for name, (field_label, _spellings, required) in fields.items():
        setattr(ColumnForm, name, SelectField(field_label, coerce=int, choices=choices,
                                              default=-1 if mapping.get(name) is None else mapping[name]))
    return ColumnForm()
