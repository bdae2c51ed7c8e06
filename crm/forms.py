"""Form pieces shared by every feature."""
import re
from datetime import date, datetime, time
from decimal import Decimal

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, Regexp

from crm.database import MAX_ID
from crm.form_select import render_select, renders_fast

# C0 control characters other than tab, newline and carriage return, C1 control characters and Unicode
# noncharacters: no user means them, PostgreSQL refuses NUL in text, and HTML forbids them in a page.
_CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufdd0-\ufdef"
    + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17)) + "]")
# NEL (U+0085), the C1 line break, becomes a newline.
_NEXT_LINE = "\x85"


# Line breaks reach a single-line field only from a crafted request (an <input> cannot hold them); a name or
# title carrying one would break the e-mail headers and one-line places it is printed in.
_LINE_BREAKS = re.compile(r"\s*[\r\n\x85\u2028\u2029]+\s*")


def one_line(value):
    """Text with its line breaks folded into single spaces (other values unchanged)."""
    return _LINE_BREAKS.sub(" ", value) if isinstance(value, str) else value


def clean_text(value: str) -> str:
    """Text with the control characters no user means removed."""
    return _CONTROL_CHARACTERS.sub("", value).replace(_NEXT_LINE, "\n")


def clean_formdata(formdata):
    """The submitted data with control characters removed from every text value."""
    if formdata is None:
        return None
    cleaned = MultiDict()
    for key, value in formdata.items(multi=True):
        cleaned.add(clean_text(key), value if isinstance(value, FileStorage) else clean_text(value))
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

        def render_field(self, field, render_kw):
            if isinstance(field.widget, widgets.HiddenInput):
                # Hidden inputs (CSRF token, record version) need no id, and a page with several forms would
                # repeat id="csrf_token".
                render_kw = {"id": False, **render_kw}
            # An attribute given None (aria-invalid=None, aria-describedby=None from a template's "x if y else
            # none") is left out: WTForms would write it as the text "None".
            render_kw = {key: value for key, value in {**(field.render_kw or {}), **render_kw}.items()
                         if value is not None}
            render_kw = _as_a_browser_holds_it(field, render_kw)
            html = render_select(field, render_kw) if renders_fast(field) else super().render_field(field, render_kw)
            if _is_required_select(field):
                html = with_empty_first_choice(html)
            return html

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for field in self:
            if _is_required_select(field) and len(field.errors) > 1 and not (field.raw_data or [""])[0]:
                # Sent with the empty choice: only the required validator's message (it stops the chain, so it is
                # the last), not also "not a valid choice" about the empty value.
                field.errors[:] = field.errors[-1:]
        return valid


# What an <input> of these types can hold (HTML's valid floating-point number, dates and times). A browser
# empties one given anything else, so a value sent back that is none of these (only a crafted request can send
# one) is rendered empty, as the browser would show it anyway.
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
_HOLDS = {
    "number": _NUMBER.fullmatch, "range": _NUMBER.fullmatch,
    "date": lambda value: _parses(date.fromisoformat, value, r"\d{4}-\d\d-\d\d"),
    "time": lambda value: _parses(time.fromisoformat, value, r"\d\d:\d\d(:\d\d(\.\d{1,3})?)?"),
    "datetime-local": lambda value: _parses(
        datetime.fromisoformat, value, r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d{1,3})?)?"),
}
# A URL box holds any text while someone types; one sent back that is not an absolute URL is shown in a text box.
_ABSOLUTE_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s]+")


def fill(record, form, *names: str) -> None:
    """Copy the named fields of the form onto the record's attributes of the same names; an ``…_id`` left
    at 0 (a "none" choice) becomes None."""
    for name in names:
        value = form[name].data
        setattr(record, name, (value or None) if name.endswith("_id") else value)


def _parses(parse, value: str, pattern: str) -> bool:
    try:
        return bool(re.fullmatch(pattern, value)) and parse(value) is not None
    except ValueError:
        return False


def _as_a_browser_holds_it(field, render_kw: dict) -> dict:
    input_type = getattr(field.widget, "input_type", None)
    if input_type not in _HOLDS and input_type != "url" or "value" in render_kw:
        return render_kw
    value = field._value()
    if not value or (_HOLDS[input_type](value) if input_type in _HOLDS else _ABSOLUTE_URL.fullmatch(value)):
        return render_kw
    if input_type == "url":
        return {**render_kw, "type": "text", "inputmode": "url"}
    data = field.data  # a number read from text the box cannot hold ("1.") is shown as the number it was read as
    shown = str(data) if isinstance(data, (int, float, Decimal)) and not isinstance(data, bool) else ""
    return {**render_kw, "value": shown if input_type in ("number", "range") and _NUMBER.fullmatch(shown) else ""}


def _is_required_select(field) -> bool:
    return isinstance(field, SelectField) and not isinstance(field, SelectMultipleField) and field.flags.required


_FIRST_OPTION = re.compile(r"<option\b[^>]*>")
_EMPTY_VALUE = re.compile(r'\svalue=""')


def with_empty_first_choice(html: Markup) -> Markup:
    """A required select whose first option has a value gets an empty first option: HTML asks for one, so that
    nothing is chosen until someone chooses (and the field's required message can say so)."""
    first = _FIRST_OPTION.search(html)
    if not html.startswith("<select") or (first and _EMPTY_VALUE.search(first.group())):
        return html
    return Markup(str(html).replace(">", '><option value="">—</option>', 1))


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


#: comma-separated language codes: "ja, en", "pt-BR"
LANGUAGE_CODES = r"^\s*[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*(\s*,\s*[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*)*\s*$"


def language_codes(value):
    """" JA , en" → "ja, en" (None when empty)."""
    value = none_if_empty(value)
    if not value:
        return value
    codes = [code.strip() for code in value.split(",") if code.strip()]
    return ", ".join(code.split("-")[0].lower() + code[len(code.split("-")[0]):] for code in codes)


def languages_field() -> StringField:
    """The languages a person or a household speaks, as codes (a contact's, a host's)."""
    return StringField(_l("Languages spoken"), validators=[
        Optional(), Length(max=200),
        Regexp(LANGUAGE_CODES, message=_l("Write language codes separated by commas, for example: ja, en"))],
        filters=[language_codes], description=_l("Language codes separated by commas, for example: ja, en"))


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
