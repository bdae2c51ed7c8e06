"""The agreement lifecycle: which moves are allowed, as plain data and functions.

draft → in negotiation → signed → expired | terminated | renewed
"Renewed" is never chosen by hand: it happens when a later agreement that
renews this one is signed.
"""
from datetime import date, timedelta

from crm.agreements.models import AgreementStatus as S

MOVES: dict[S, frozenset[S]] = {
    S.DRAFT: frozenset({S.IN_NEGOTIATION}),
    S.IN_NEGOTIATION: frozenset({S.DRAFT, S.SIGNED}),
    S.SIGNED: frozenset({S.EXPIRED, S.TERMINATED}),
    S.EXPIRED: frozenset(),
    S.TERMINATED: frozenset(),
    S.RENEWED: frozenset(),
}
#: statuses in which an agreement is in force (or was, until it lapsed)
IN_FORCE = frozenset({S.SIGNED})
#: statuses in which the terms (texts and signatories) may still change: they freeze on signing
TERMS_OPEN = frozenset({S.DRAFT, S.IN_NEGOTIATION})
EXPIRY_WARNING_DAYS = 90


def allowed_moves(status: S) -> list[S]:
    return sorted(MOVES[status], key=list(S).index)


def can_move(current: S, target: S) -> bool:
    return target in MOVES[current]


def can_edit_terms(status: S) -> bool:
    """Texts and signatories change only before signing."""
    return status in TERMS_OPEN


def is_expiring(status: S, expires_on: date | None, today: date, within_days: int = EXPIRY_WARNING_DAYS) -> bool:
    return (status in IN_FORCE and expires_on is not None
            and today <= expires_on <= today + timedelta(days=within_days))
