"""Nothing is destroyed without asking: GET shows a confirmation, POST does it."""
from collections.abc import Callable

from flask import flash, redirect, render_template

from crm.extensions import db
from crm.forms import ConfirmForm


def confirm_then(action: Callable[[], None], *, title: str, cancel_url: str, done_url: str, done_message: str,
                 message: str = "", button: str | None = None):
    """Render the confirmation page, or, on a confirmed POST, run the action, commit and go on."""
    form = ConfirmForm()
    if form.validate_on_submit():
        action()
        db.session.commit()
        flash(done_message, "success")
        return redirect(done_url)
    return render_template("confirm.html", form=form, title=title, message=message, cancel_url=cancel_url,
                           button=button)
