"""One way to create and edit every record, and to add a child row to it.

Every editable record goes the same way: the view loads it through the reader's scope (a
``get_..._or_404``), builds its form, and hands both to one of these functions with the record type's
*apply* (form to model; it flushes). They validate, check the version (the conflict page on 409 when
someone saved meanwhile, keeping what was typed), commit (the audit trail is written in the same
transaction), flash, and redirect back to where the user came from (``?next=`` on this site) or to the
record. A child row (itinerary item, delegate, outcome, milestone, signatory, timeline entry) is added from
the form on its parent's page; when the form is invalid, the parent's page comes back with the form's errors
and input (422).
"""
from collections.abc import Callable

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _

from crm.extensions import db
from crm.i18n import safe_next
from crm.versioning import save_unless_conflict


def back_to(default: str) -> str:
    """Where the user came from (a ``next`` on this site), else the default."""
    return safe_next(request.values.get("next"), default)


def create_record(form, make: Callable, *, template: str, done: Callable[[object], str], saved, **context):
    """The create form; once valid, ``make(form)`` builds the record (and flushes), then commit and go on.

    ``saved`` is the flash message, or a function of the new record that gives it."""
    if form.validate_on_submit():
        record = make(form)
        # Worded (and the way on found) before the commit expires the record, as add_child does.
        message, destination = (saved(record) if callable(saved) else saved), back_to(done(record))
        db.session.commit()
        flash(message, "success")
        return redirect(destination)
    return render_template(template, form=form, **context)


def edit_record(record, form, apply: Callable, *, compare: list[str], done, template: str | None = None,
                page: Callable | None = None, saved=None, **context):
    """The edit form; once valid and still based on the current version, ``apply(record, form)``, commit, go on.

    ``compare`` names the fields the conflict page shows when the record changed since the form was opened;
    ``done`` is where to go after saving (or a function of the saved record that gives it). The form is
    rendered with ``template``, or, on a page that holds other forms too, by ``page(form=, conflict=)``,
    which answers 422 when the form is invalid."""
    conflict = None
    if form.validate_on_submit():
        conflict = save_unless_conflict(form, record, compare, lambda: apply(record, form))
        if conflict is None:
            flash(saved or _("Your changes were saved."), "success")
            return redirect(back_to(done(record) if callable(done) else done))
    if page is not None:
        return page(form=form, conflict=conflict), 409 if conflict else 422 if form.errors else 200
    return render_template(template, form=form, conflict=conflict, **context), 409 if conflict else 200


def add_child(form, add: Callable, *, done: str, saved, not_saved: str, page: Callable):
    """A child row from the form on its parent's page.

    Valid: ``add(form)`` (it flushes), commit, flash ``saved`` (or ``saved(row)``) and go back to the parent's
    section. Invalid: ``page(form)`` renders the parent's page with this form, its errors and input, 422."""
    if form.validate_on_submit():
        row = add(form)
        # Worded before the commit expires the row: reading it again afterwards would need the database, and one
        # that went away just after the commit would turn a saved row into "please try again" (sent twice then).
        message = saved(row) if callable(saved) else saved
        db.session.commit()
        flash(message, "success")
        return redirect(done)
    flash(not_saved, "error")
    return page(form), 422
