"""The first step of a New button on a list of records that belong to a partnership (missions, exchanges,
projects, agreements): which partnership. The list passes its partnership filter when one is set."""
from collections.abc import Callable

from flask import redirect, render_template, url_for

from crm.access import EDITORS, allow
from crm.forms import id_arg
from crm.partnerships.choices import partnership_choices


def choose_partnership(title: str, create_endpoint: str, list_endpoint: str):
    """Straight to the create page of the partnership chosen (``?partnership=``); otherwise a small page asking
    for it. The create page loads the partnership through the reader's scope (404 when it may not see it)."""
    chosen = id_arg("partnership")
    if chosen:
        return redirect(url_for(create_endpoint, partnership_id=chosen))
    return render_template("bulk/choose_partnership.html", title=title, choices=partnership_choices(),
                           cancel_url=url_for(list_endpoint))


def new_record_view(title: Callable[[], str], blueprint: str) -> Callable:
    """The view of ``/<records>/new`` on a blueprint with ``create`` (partnership_id) and ``index`` endpoints;
    ``title`` gives the page's heading in the reader's language."""

    @allow(EDITORS)
    def new():
        return choose_partnership(title(), f"{blueprint}.create", f"{blueprint}.index")

    return new
