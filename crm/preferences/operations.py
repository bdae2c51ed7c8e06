"""Saving a person's own preferences."""
from crm.extensions import db


def apply_form(user, form) -> None:
    """The form's language and time zone on the user (no time zone: the office's)."""
    user.language = form.language.data or None
    user.timezone = form.timezone.data or None
    db.session.flush()
