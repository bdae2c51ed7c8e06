"""Sensitive fields (issue 22 §7): passport numbers, dates of birth, medical and dietary notes and vetting
results. Only a staff user with the "protocol and safeguarding" permission (User.protocol_access) sees them;
everyone else, guests included, never does: pages, exports, the API, PDFs, search and audit values go through
``can_see_sensitive`` or ``masked``.

Every page, export or document that shows one of SENSITIVE_FIELDS reads it through ``sensitive(record, name)``
(None for a reader without the permission), never as a plain attribute."""
from flask import has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crm.roles import Role

#: "<table>.<column>" of every sensitive value; retention rules (crm.settings.models.RetentionRule) name them so
SENSITIVE_FIELDS = ("contacts.passport_number", "contacts.date_of_birth", "contacts.dietary_needs",
                    "contacts.medical_notes", "helpers.vetting_result")
#: what the audit trail and anyone without the permission reads instead of a sensitive value
MASK = "•••"
#: each sensitive field's name in the reader's language (the forms' own labels, so their translations apply)
SENSITIVE_LABELS = {
    "contacts.passport_number": _l("Passport number"),
    "contacts.date_of_birth": _l("Date of birth"),
    "contacts.dietary_needs": _l("Dietary needs"),
    "contacts.medical_notes": _l("Medical and access notes"),
    "helpers.vetting_result": _l("Vetting result"),
}


def sensitive_columns(table: str) -> set[str]:
    """The sensitive columns of a table: sensitive_columns("contacts") → {"passport_number", ...}."""
    return {key.split(".", 1)[1] for key in SENSITIVE_FIELDS if key.split(".", 1)[0] == table}


def can_see_sensitive(user=None) -> bool:
    """Whether the user (by default the request's) may read sensitive values: active staff, never a guest, with
    protocol access. Outside a request (the CLI, the scheduler) nobody is asking: False."""
    if user is None:
        if not has_request_context():
            return False
        user = current_user
    return bool(getattr(user, "is_authenticated", False) and user.role != Role.GUEST
                and getattr(user, "protocol_access", False) and user.is_active)


def sensitive(record, name: str):
    """The value of a sensitive field for the request's reader: the value, or None without the permission."""
    return getattr(record, name) if can_see_sensitive() else None


def masked(table: str, column: str, value):
    """The value as the audit trail records it: MASK for a sensitive column that holds something."""
    if value is not None and column in sensitive_columns(table):
        return MASK
    return value


def withhold_sensitive_fields(form, table: str):
    """Take the table's sensitive fields off a form when the reader may not see them: the page never shows the
    stored values, and a save (populate_obj) leaves them as they are instead of posting them blank. Returns the
    form."""
    if not can_see_sensitive():
        for column in sensitive_columns(table):
            if column in form:
                del form[column]
    return form


class GuestsCannotHaveIt(ValueError):
    """Protocol access is for staff: a partner-city guest never gets it."""


def set_protocol_access(user, granted: bool) -> bool:
    """Give the user the "protocol and safeguarding" permission, or withdraw it; the audit trail records the
    change (users are audited). Sets the state asked for, so a form sent twice changes nothing the second time.
    Returns whether it changed. Flushes."""
    from crm.extensions import db

    if granted and user.role == Role.GUEST:
        raise GuestsCannotHaveIt(user.email)
    changed = bool(user.protocol_access) != granted
    user.protocol_access = granted
    db.session.flush()
    return changed
