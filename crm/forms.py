"""Form pieces shared by every feature."""
import re

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from crm.database import MAX_ID

# C0 control characters other than tab, newline and carriage return: no user
# means them, and PostgreSQL refuses NUL in text.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# Line breaks reach a single-line field only from a crafted request (an <input> cannot hold them); a name or
# title carrying one would break the e-mail headers and one-line places it is printed in.
_LINE_BREAKS = re.compile(r"\s*[\r\n\x85\u2028\u2029]+\s*")


def one_line(value):
    """Text with its line breaks folded into single spaces (other values unchanged)."""
    return _LINE_BREAKS.sub(" ", value) if isinstance(value, str) else value


def clean_text(value: str) -> str:
    """Text with the control characters no user means removed."""
    return _CONTROL_CHARACTERS.sub("", value)


def clean_formdata(formdata):
    """The submitted data with control characters removed from every text value."""
    if formdata is None:
        return None
    cleaned = MultiDict()
    for key, value in formdata.items(multi=True):
        cleaned.add(_CONTROL_CHARACTERS.sub("", key),
                    value if isinstance(value, FileStorage) else _CONTROL_CHARACTERS.sub("", value))
    return cleaned


class Form(FlaskForm):
    """The base of every form in the app."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            return clean_formdata(super().wrap_formdata(form, formdata))

        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            if isinstance(field, StringField) and not isinstance(field, (TextAreaField, PasswordField)):
                field.filters = (*field.filters, one_line)  # every single-line field: names, titles...
            return field


def id_arg(name: str) -> int | None:
    """An id from the query string, or None when absent or not a possible id."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [pair if isinstance(pair, SelectChoice) else SelectChoice(*pair) for pair in pairs]


def enum_choices(enum_cls, blank=None):
    choices = [(member.value, member.label) for member in enum_cls]
    return options([("", blank)] + choices if blank is not None else choices)


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value


def none_if_empty(value):
    value = strip_filter(value)
    return value or None


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class FilterForm(Form):
    """A GET form for list filters: no CSRF token, unknown choices ignored."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=200)], filters=[strip_filter])

    def __init__(self, *args, **kwargs):
        super().__init__(request.args, *args, **kwargs)

    def value(self, name):
        """A field's value, or None when it is empty or not a valid choice."""
        field = self[name]
        field.validate(self)  # never raises; records errors on the field
        data = field.data
        if field.errors or data in ("", None, 0) or (isinstance(data, str) and not data.strip()):
            return None
        if isinstance(field, SelectField) and data not in {choice.value if hasattr(choice, "value") else choice[0]
                                                           for choice in field.choices}:
            # Optional() clears a "not a valid choice" error on blank-looking input: check here too.
            return None
        return data


class ConfirmForm(Form):
    """A form with nothing but its CSRF token, for confirmations and one-click actions."""
