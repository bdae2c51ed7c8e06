"""What a cell of an imported file means, where the app's own exports write translated labels."""
from crm.imports.columns import in_every_language
from crm.imports.countries import fold

#: common ways of saying yes, besides the app's own "Yes" and "Shared with the partner" in every UI language
YES_WORDS = ("yes", "y", "true", "1", "x", "shared", "si", "oui", "ja", "はい", "是", "نعم")


def is_shared(text: str) -> bool:
    """Whether a "Shared with the partner" cell says the contact is shared; anything else means staff only."""
    folded = fold(text or "")
    return bool(folded) and (folded in YES_WORDS or folded in in_every_language("Yes")
                             or folded in in_every_language("Shared with the partner"))


def from_label(choices, text: str):
    """The member of an enum whose value, or label in any UI language, the cell holds; None if none."""
    folded = fold(text or "")
    if not folded:
        return None
    for member in choices:
        if folded == fold(member.value) or folded in in_every_language(member.label._args[0]):
            return member
    return None
