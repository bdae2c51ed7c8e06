"""The sentences of the audit trail: each a whole msgid with named placeholders.

``who`` is the person who acted, ``record`` the record's name (a link where it has a page),
``partnership`` the partnership it belongs to, ``parent`` the
agreement, trade mission or joint project a part of one belongs to, ``field`` a column's label, ``old`` and ``new`` its values.
"""
from flask_babel import lazy_gettext as _l

CHANGED = _l("%(who)s changed the %(field)s of %(record)s from %(old)s to %(new)s")
SET = _l("%(who)s set the %(field)s of %(record)s to %(new)s")
CLEARED = _l("%(who)s cleared the %(field)s of %(record)s (it was %(old)s)")
CHANGED_UNSHOWN = _l("%(who)s changed the %(field)s of %(record)s")  #: a secret: only that it changed
ARCHIVED = _l("%(who)s archived %(record)s")
UNARCHIVED = _l("%(who)s took %(record)s out of the archive")
SESSION_ENDED = _l("%(who)s ended a session of %(record)s")
#: a sensitive value emptied by the retention rules (issue 22 §7): which field, never its value
PURGED = _l("%(who)s purged the %(field)s of %(record)s, as the retention rules say")

#: record type → sentence for its creation
CREATED = {
    "partnerships": _l("%(who)s created the partnership %(record)s"),
    "engagement": _l("%(who)s logged the engagement %(record)s in %(partnership)s"),
    "trade_mission": _l("%(who)s added the trade mission %(record)s to %(partnership)s"),
    "exchange": _l("%(who)s added the exchange %(record)s to %(partnership)s"),
    "joint_project": _l("%(who)s added the joint project %(record)s to %(partnership)s"),
    "agreements": _l("%(who)s added the agreement %(record)s to %(partnership)s"),
    "agreement_texts": _l("%(who)s added a text in %(record)s to the agreement %(parent)s"),
    "signatories": _l("%(who)s added the signatory %(record)s to the agreement %(parent)s"),
    "itinerary_items": _l("%(who)s added %(record)s to the itinerary of the trade mission %(parent)s"),
    "mission_delegates": _l("%(who)s added %(record)s to the delegation of the trade mission %(parent)s"),
    "mission_outcomes": _l("%(who)s recorded the outcome %(record)s of the trade mission %(parent)s"),
    "milestones": _l("%(who)s added the milestone %(record)s to the joint project %(parent)s"),
    "contacts": _l("%(who)s added the contact %(record)s to %(partnership)s"),
    "organizations": _l("%(who)s added the organization %(record)s to %(partnership)s"),
    "attachments": _l("%(who)s uploaded the document %(record)s to %(partnership)s"),
    "users": _l("%(who)s created the account of %(record)s"),
    "office_settings": _l("%(who)s set up the office settings"),
    "home_cities": _l("%(who)s added the home city %(record)s"),
    "guest_access": _l("%(who)s gave %(record)s access to %(partnership)s"),
    "invitations": _l("%(who)s invited %(record)s to %(partnership)s"),
    "api_tokens": _l("%(who)s created the API token %(record)s"),
    "staff_invitations": _l("%(who)s invited %(record)s to join the staff"),
    "import_jobs": _l("%(who)s imported the file %(record)s"),
}
#: record type → sentence for its deletion
DELETED = {
    "partnerships": _l("%(who)s deleted the partnership %(record)s"),
    "engagement": _l("%(who)s deleted the engagement %(record)s from %(partnership)s"),
    "trade_mission": _l("%(who)s deleted the trade mission %(record)s from %(partnership)s"),
    "exchange": _l("%(who)s deleted the exchange %(record)s from %(partnership)s"),
    "joint_project": _l("%(who)s deleted the joint project %(record)s from %(partnership)s"),
    "agreements": _l("%(who)s deleted the agreement %(record)s from %(partnership)s"),
    "agreement_texts": _l("%(who)s deleted the text in %(record)s of the agreement %(parent)s"),
    "signatories": _l("%(who)s removed the signatory %(record)s from the agreement %(parent)s"),
    "itinerary_items": _l("%(who)s removed %(record)s from the itinerary of the trade mission %(parent)s"),
    "mission_delegates": _l("%(who)s removed %(record)s from the delegation of the trade mission %(parent)s"),
    "mission_outcomes": _l("%(who)s deleted the outcome %(record)s of the trade mission %(parent)s"),
    "milestones": _l("%(who)s deleted the milestone %(record)s from the joint project %(parent)s"),
    "contacts": _l("%(who)s deleted the contact %(record)s from %(partnership)s"),
    "organizations": _l("%(who)s deleted the organization %(record)s from %(partnership)s"),
    "attachments": _l("%(who)s deleted the document %(record)s from %(partnership)s"),
    "users": _l("%(who)s deleted the account of %(record)s"),
    "home_cities": _l("%(who)s removed the home city %(record)s"),
    "guest_access": _l("%(who)s took away the access of %(record)s to %(partnership)s"),
    "invitations": _l("%(who)s deleted the invitation of %(record)s to %(partnership)s"),
    "api_tokens": _l("%(who)s deleted the API token %(record)s"),
    "staff_invitations": _l("%(who)s deleted the staff invitation of %(record)s"),
}
#: any record type this module has no sentence for
CREATED_ANY = _l("%(who)s added %(record)s")
DELETED_ANY = _l("%(who)s deleted %(record)s")
RESTORED = _l("%(who)s restored %(record)s from the trash")
IN_PARTNERSHIP = {  #: the same, in a partnership
    "create": _l("%(who)s added %(record)s to %(partnership)s"),
    "delete": _l("%(who)s deleted %(record)s from %(partnership)s"),
    "restore": _l("%(who)s restored %(record)s in %(partnership)s from the trash"),
}
CHANGED_ANY = _l("%(who)s changed %(record)s")  #: an update whose only changes are bookkeeping
