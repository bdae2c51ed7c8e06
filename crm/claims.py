"""Actions that must happen once — confirming an import, signing an agreement, starting a renewal,
restoring a deleted record — whatever double-click or second tab asks for them again.

The database settles it: a conditional UPDATE ("… WHERE id = :id AND status = 'in_negotiation'")
changes the row for the one caller whose condition still holds. On PostgreSQL a second caller's
UPDATE waits for the first transaction, then finds the condition false and changes nothing; on
SQLite writers take turns. The loser is told what happened instead of doing it again.
"""
from sqlalchemy import update

from crm.extensions import db


class AlreadyDone(Exception):
    """Someone else did this a moment ago (or the condition no longer holds); nothing was changed."""


def claim(model, record_id: int, *conditions, **values) -> bool:
    """UPDATE the row with these values where it still meets the conditions; True for the one winner.

    The ORM's copy of the row is left as it was loaded (synchronize_session=False): the caller then
    makes the same change through the ORM, so versions and the audit trail see it as usual."""
    result = db.session.execute(update(model).where(model.id == record_id, *conditions).values(**values)
                                .execution_options(synchronize_session=False))
    return result.rowcount == 1


def claim_or_raise(model, record_id: int, *conditions, **values) -> None:
    if not claim(model, record_id, *conditions, **values):
        raise AlreadyDone()
