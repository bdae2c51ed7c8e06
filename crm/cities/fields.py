"""The city picker's form field: a city is chosen from the suggestions or added by hand, never guessed."""
from flask import request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import Field
from wtforms.validators import StopValidation
from wtforms.widgets import html_params

from crm.cities.service import lookup, resolve_city
from crm.languages import format_list

OFFERS = 8  #: suggestions listed under a name typed and not chosen


def describe(city: dict) -> Markup:
    """One suggestion as a line: "Haifa (חיפה, not confirmed: from GeoNames (Hebrew)) — region, country ·
    population"; the own name in its language, isolated from the text around it."""
    name = escape(city["name"])
    if city.get("native_name") and city["native_name"] != city["name"]:
        native = Markup('<bdi lang="{lang}">{name}</bdi>').format(lang=city.get("native_name_lang") or None,
                                                                   name=city["native_name"]) \
            if city.get("native_name_lang") else Markup("<bdi>{name}</bdi>").format(name=city["native_name"])
        note = city.get("native_name_state")
        name = Markup("{name} ({native}{note})").format(
            name=name, native=native, note=Markup(", <span class=\"muted\">{}</span>").format(note) if note else "")
    place = format_list((city.get("region"), city.get("country")), style="clauses")
    if city.get("population"):
        place = ngettext("%(place)s · %(count)s person", "%(place)s · %(count)s people", city["population"],
                         place=place, count=format_decimal(city["population"]))  # count: "15,000", not 15000
    return Markup("{name} — {place}").format(name=name, place=place)


def add_by_hand_url(typed: str = "") -> str:
    """The page that adds a city the gazetteer lacks, the typed name preset, coming back here after."""
    return url_for("cities.create", name=typed or None, next=request.full_path.rstrip("?"))


class CityPickerWidget:
    """A combobox with type-ahead suggestions (static/js/picker.js) filling a hidden reference; without
    JavaScript, or after a name was typed and not chosen, the suggestions are offered as radio buttons."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        typed = field.raw_query if field.raw_query is not None else (field.data.name if field.data else "")
        reference = field.raw_reference if field.raw_reference is not None else (
            f"city:{field.data.id}" if field.data is not None and field.data.id else "")
        results = f"{kwargs['id']}-results"
        return Markup(
            '<div class="city-picker" data-lookup-url="{url}" data-add-url="{add}" data-add-label="{add_label}"'
            ' data-count-label="{count_label}">'
            '<input type="text" autocomplete="off" role="combobox" aria-autocomplete="list" aria-expanded="false"'
            ' aria-controls="{results}" {attrs}>'
            '<input type="hidden" name="{name}-ref" value="{ref}">'
            '<ul class="city-picker-results" id="{results}" role="listbox" aria-label="{label}" hidden></ul>'
            '<p class="visually-hidden" role="status" aria-live="polite"></p>{offers}</div>'
        ).format(
            url=escape(url_for("cities.lookup")), add=escape(url_for("cities.create")),
            add_label=_("Add “%(name)s” by hand", name="{name}"), results=results,
            count_label=_("Suggestions: %(count)s", count="{count}"),
            attrs=Markup(html_params(name=field.name, value=typed, **kwargs)),
            name=escape(field.name), ref=escape(reference), label=_("Suggestions"), offers=self.offers(field, typed),
        )

    def offers(self, field, typed: str) -> Markup:
        if not field.refused:
            return Markup("")
        choices = Markup("").join(
            Markup('<label class="check"><input type="radio" name="{name}-ref" value="{ref}"> {text}</label>').format(
                name=field.name, ref=city["ref"], text=describe(city)) for city in field.offers)
        return Markup(
            '<fieldset class="city-picker-offers"><legend>{legend}</legend><div class="choices">{choices}</div>'
            '<p><a href="{add}">{add_text}</a></p></fieldset>'
        ).format(legend=_("Which city did you mean?") if field.offers else _("No city of that name was found."),
                 choices=choices, add=add_by_hand_url(typed), add_text=_("Add “%(name)s” by hand", name=typed))


class CityField(Field):
    """Holds a City chosen in the picker (its reference). A name typed and not chosen is refused with the
    suggestions for it, the typed text kept: the field never picks a city for the user."""

    widget = CityPickerWidget()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.raw_query = None
        self.raw_reference = None
        self.offers: list[dict] = []
        self.refused = False  #: a name was typed and not chosen

    def process_formdata(self, valuelist):
        form_data = self._formdata
        self.raw_query = (valuelist[0] if valuelist else "").strip()[:200]
        # the hidden reference, or the radio button chosen among the offers (the first one not empty)
        references = form_data.getlist(f"{self.name}-ref") if form_data else []
        self.raw_reference = next((ref for ref in references if ref), "")[:40]
        self.data = None

    def process(self, formdata, data=None, **kwargs):
        self._formdata = formdata
        super().process(formdata, data, **kwargs)

    def pre_validate(self, form):
        if self.raw_query is None and self.raw_reference is None:
            return
        if not self.raw_query and not self.raw_reference:
            return  # left empty: the field's validators decide
        self.data = resolve_city(self.raw_reference) if self.raw_reference else None
        if self.data is None:
            self.refused = bool(self.raw_query)
            self.offers = lookup(self.raw_query, limit=OFFERS) if self.raw_query else []
            # StopValidation: DataRequired would otherwise replace this clearer message.
            raise StopValidation(_l("Choose a city from the suggestions, or add the city first."))
