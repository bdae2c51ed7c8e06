"""The HTML of a partnership's printed profile."""
from flask import render_template
from flask_babel import force_locale

from crm.clock import office_today
from crm.documents.render import page_label
from crm.health.service import partnership_health
from crm.languages import direction, format_list, html_lang, name_lang
from crm.partnerships.models import Partnership


def profile_html(partnership: Partnership, language: str) -> str:
    with force_locale(language):
        today = office_today()
        return render_template("pdf/profile.html", partnership=partnership, today=today,
                               health=partnership_health(partnership, today), lang=html_lang(language),
                               dir=direction(language), page_label=page_label(language),
                               name_lang=name_lang, format_list=format_list)  # names in their language, lists in the document's
