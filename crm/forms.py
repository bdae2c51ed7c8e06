"""Form pieces shared by every feature."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional


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


class FilterForm(FlaskForm):
    """A GET form for list filters: no CSRF token, unknown choices ignored."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=200)], filters=[strip_filter])

    def __init__(self, *args, **kwargs):
        from flask import request

        super().__init__(request.args, *args, **kwargs)

    def value(self, name):
        """A field's value, or None when it is empty or not a valid choice."""
        field = self[name]
        field.validate(self)  # never raises; records errors on the field
        if field.errors or field.data in ("", None, 0):
            return None
        return field.data


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for confirmations and one-click actions."""
