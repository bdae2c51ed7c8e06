"""Changes to commitments. They flush; the request commits."""
from datetime import date

from crm.auth.models import User
from crm.enums import CommitmentStatus, Side
from crm.extensions import db
from crm.forms import fill
from crm.governance.commitments.forms import CommitmentForm
from crm.governance.models import Commitment


def apply_form(commitment: Commitment, form: CommitmentForm) -> Commitment:
    fill(commitment, form, "side", "description", "owner_id", "owner_name", "due_on", "visibility", "engagement_id")
    # One owner, of the side that promised: a staff user for ours, a name for the partner's.
    if commitment.side == Side.HOME:
        commitment.owner_name = None
    else:
        commitment.owner_id = None
    db.session.add(commitment)
    db.session.flush()
    return commitment


def new_commitment(partnership_id: int, form: CommitmentForm, user: User) -> Commitment:
    return apply_form(Commitment(partnership_id=partnership_id, created_by_id=user.id), form)


def mark_done(commitment: Commitment, user: User, today: date) -> None:
    commitment.status = CommitmentStatus.DONE
    commitment.done_on = today
    commitment.done_by_id = user.id
    db.session.flush()


def drop(commitment: Commitment) -> None:
    """Given up: it no longer counts as open or overdue, and stays on record."""
    commitment.status = CommitmentStatus.DROPPED
    commitment.done_on = None
    commitment.done_by_id = None
    db.session.flush()


def reopen(commitment: Commitment) -> None:
    commitment.status = CommitmentStatus.OPEN
    commitment.done_on = None
    commitment.done_by_id = None
    db.session.flush()


def delete(commitment: Commitment) -> None:
    db.session.delete(commitment)
    db.session.flush()
