"""The rules of commitments: when one is overdue, and what a partner-side guest may do with it. Plain functions
of their inputs (today is passed in)."""
from datetime import date

from crm.enums import CommitmentStatus, Side, Visibility


def is_overdue(status: CommitmentStatus, due_on: date | None, today: date) -> bool:
    """Still open and due before today (due today is not overdue yet; one without a due date never is)."""
    return status == CommitmentStatus.OPEN and due_on is not None and due_on < today


def days_overdue(due_on: date | None, today: date) -> int:
    """How many days past its due date (0 when not past it)."""
    return max((today - due_on).days, 0) if due_on is not None else 0


def guest_may_mark_done(side: Side, visibility: Visibility, status: CommitmentStatus) -> bool:
    """A partner's guest marks done only what the partner side promised, shared with them and still open; what our
    side promised is ours to mark."""
    return side == Side.PARTNER and visibility == Visibility.SHARED and status == CommitmentStatus.OPEN
