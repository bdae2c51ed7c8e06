"""Selects rendered in one pass: the same HTML as WTForms' Select widget, at a fraction of its cost.

A filter form lists a few hundred options (countries, liaisons, home cities); WTForms builds each one through
html_params (a sorted dict of attributes, an escape and a Markup.format per attribute), which cost a list page
about a third of its time (issue 19). Here an option without attributes of its own is written directly; any
option that has some (render_kw) goes through WTForms' own render_option, so the output is the same.
"""
from markupsafe import Markup, escape
from wtforms import widgets


def renders_fast(field) -> bool:
    return type(field.widget) is widgets.Select


def render_select(field, render_kw: dict) -> Markup:
    widget = field.widget
    kwargs = {"id": field.id, **render_kw}
    if widget.multiple:
        kwargs["multiple"] = True
    flags = field.flags
    for name in widget.validation_attrs:
        if name not in kwargs and name in dir(flags):
            kwargs[name] = getattr(flags, name)
    html = [f"<select {widgets.html_params(name=field.name, **kwargs)}>"]
    if field.has_groups():
        for group, choices in field._iter_groups_normalized():
            if group is not None:
                html.append(f"<optgroup {widgets.html_params(label=group)}>")
            html.extend(_option(choice) for choice in choices)
            if group is not None:
                html.append("</optgroup>")
    else:
        html.extend(_option(choice) for choice in field._iter_choices_normalized())
    html.append("</select>")
    return Markup("".join(html))


def _option(choice) -> str:
    if choice.render_kw:
        return widgets.Select.render_option(choice)
    value = choice.value
    if isinstance(value, bool) or value is None:
        value = str(value)
    label = choice.label
    # as escape(label or value) writes it: a lazy translation is taken as markup, as WTForms does (once, not for
    # its length and again); any other label is escaped
    html = label.__html__() if hasattr(label, "__html__") else escape(label) if label else ""
    label = html or escape(choice.value)
    return f'<option selected value="{escape(value)}">{label}</option>' if choice.selected else \
        f'<option value="{escape(value)}">{label}</option>'
