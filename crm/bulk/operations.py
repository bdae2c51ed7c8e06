"""What the bulk actions do: each record changed through the ORM, one by one, so its version is checked and
the audit trail (written on flush) records one event per record."""
from crm.auth.models import User
from crm.engagements.models import Engagement
from crm.enums import Visibility
from crm.extensions import db
from crm.partnerships import operations as partnerships
from crm.partnerships.models import Partnership


def needing_liaison(chosen: list[Partnership], liaison: User | None) -> list[Partnership]:
    """The chosen partnerships whose liaison is not already this one (the others need no change)."""
    wanted = liaison.id if liaison else None
    return [p for p in chosen if p.liaison_id != wanted]


def assign_liaison(chosen: list[Partnership], liaison: User | None) -> int:
    """Give every chosen partnership this liaison (or none); the number changed."""
    changing = needing_liaison(chosen, liaison)
    for partnership in changing:
        partnership.liaison = liaison
    db.session.flush()
    return len(changing)


def archive_all(chosen: list[Partnership]) -> int:
    """Archive every chosen partnership that is still current (each once, as its own Archive button does); the
    number archived."""
    changing = [p for p in chosen if p.archived_at is None]
    for partnership in changing:
        partnerships.archive(partnership)
    return len(changing)


def needing_visibility(chosen: list[Engagement], visibility: Visibility) -> list[Engagement]:
    return [e for e in chosen if e.visibility != visibility]


def set_visibility(chosen: list[Engagement], visibility: Visibility) -> int:
    """Share the chosen engagements with the partner, or make them staff-only; the number changed."""
    changing = needing_visibility(chosen, visibility)
    for engagement in changing:
        engagement.visibility = visibility
    db.session.flush()
    return len(changing)
