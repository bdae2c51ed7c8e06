"""What a cell of an imported file means, where the app's own exports write translated labels."""
from flask_babel import lazy_gettext as _l

from crm.i18n import LANGUAGES, language_name
from crm.imports.columns import in_every_language
from crm.imports.countries import fold
from crm.partnerships.models import PartnershipKind, PartnershipStatus

#: common ways of saying yes, besides the app's own "Yes" and "Shared with the partner" in every UI language
YES_WORDS = ("yes", "y", "true", "1", "x", "shared", "si", "oui", "ja", "はい", "是", "نعم")


def is_shared(text: str) -> bool:
    """Whether a "Shared with the partner" cell says the contact is shared; anything else means staff only."""
    folded = fold(text or "")
    return bool(folded) and (folded in YES_WORDS or folded in in_every_language(_l("Yes"))
                             or folded in in_every_language(_l("Shared with the partner")))


def from_label(choices, text: str):
    """The member of an enum whose value, or label in any UI language, the cell holds; None if none."""
    folded = fold(text or "")
    if not folded:
        return None
    for member in choices:
        if folded == fold(member.value) or folded in in_every_language(member.label):
            return member
    return None


def partnership_kind(text: str) -> PartnershipKind:
    """The kind a "Kind" cell names (the app's own label in any UI language, or a common word); else sister city."""
    if kind := from_label(PartnershipKind, text):  # the app's own export, in any UI language
        return kind
    folded = fold(text)
    if "friend" in folded or "amistad" in folded or "amitie" in folded or "友好" in text:
        return PartnershipKind.FRIENDSHIP_CITY
    if any(word in folded for word in ("cooperation", "mou", "memorandum", "cooperacion", "kooperation")):
        return PartnershipKind.COOPERATION
    return PartnershipKind.SISTER_CITY


def partnership_status(text: str) -> PartnershipStatus:
    """The status a "Status" cell names (the app's own label, or a common word); else active."""
    if status := from_label(PartnershipStatus, text):
        return status
    folded = fold(text)
    if folded in ("inactive", "dormant", "paused"):
        return PartnershipStatus.SUSPENDED
    if folded in ("former", "terminated", "ended", "cancelled", "canceled"):
        return PartnershipStatus.ENDED
    return PartnershipStatus.ACTIVE


def language_code(text: str) -> str | None:
    """The UI language a folded "Language" cell names (a code such as "de" or "de-CH", or its name); else None."""
    if not text:
        return None
    if text[:2] in LANGUAGES and (len(text) == 2 or not text[2].isalpha()):
        return text[:2]
    for code in LANGUAGES:
        if text in (language_name(code).casefold(), code):
            return code
    return None
