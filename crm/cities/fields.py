from flask import url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import Field
from wtforms.validators import StopValidation
from wtforms.widgets import html_params

from crm.cities.service import resolve_city


class CityPickerWidget:
    """A text box with type-ahead suggestions (city-picker.js) and a hidden reference."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        typed = field.raw_query if field.raw_query is not None else (field.data.name if field.data else "")
        reference = field.raw_reference if field.raw_reference is not None else (
            f"city:{field.data.id}" if field.data is not None and field.data.id else "")
        return Markup(
            '<div class="city-picker" data-lookup-url="{url}">'
            '<input type="text" autocomplete="off" role="combobox" aria-autocomplete="list" aria-expanded="false" {attrs}>'
            '<input type="hidden" name="{name}-ref" value="{ref}">'
            '<ul class="city-picker-results" role="listbox" hidden></ul></div>'
        ).format(
            url=escape(url_for("cities.lookup")),
            attrs=Markup(html_params(name=field.name, value=typed, **kwargs)),
            name=escape(field.name),
            ref=escape(reference),
        )


class CityField(Field):
    """Holds a City; accepts a picker reference or a typed exact name."""

    widget = CityPickerWidget()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.raw_query = None
        self.raw_reference = None

    def process_formdata(self, valuelist):
        form_data = self._formdata
        self.raw_query = (valuelist[0] if valuelist else "").strip()[:200]
        self.raw_reference = (form_data.get(f"{self.name}-ref") or "")[:40] if form_data else ""
        self.data = None

    def process(self, formdata, data=None, **kwargs):
        self._formdata = formdata
        super().process(formdata, data, **kwargs)

    def pre_validate(self, form):
        if self.raw_query is None and self.raw_reference is None:
            return
        if not self.raw_query and not self.raw_reference:
            return  # left empty: the field's validators decide
        self.data = resolve_city(self.raw_reference, self.raw_query)
        if self.data is None:
            # StopValidation: DataRequired would otherwise replace this clearer message.
            raise StopValidation(_l("Choose a city from the suggestions, or add the city first."))
