"""Files follow the rows that name them: written before the row is flushed, published when it commits, and
removed only once the row's deletion has committed.

- `stage(store, key, stream)` writes the object before its row is flushed; the commit publishes it
  (Store.publish) and a rollback, or a session closed without a commit, discards it (Store.discard).
- `delete_after_commit(store, key)`: the object goes when the transaction deleting its row commits; a rollback
  keeps both.

So a failure anywhere before the commit leaves no object that a row does not name (a process killed between
the write and the commit leaves one that `crm files check` lists and removes), and a committed row never
loses its object to a deletion that was rolled back. Storage that refuses after the commit is logged, not
raised: the row is committed, and `crm files check` finishes the job. These functions touch only the session's
bookkeeping; the request (or command) commits."""
import logging
from typing import IO

from sqlalchemy import event
from sqlalchemy.orm import Session

from crm.extensions import db
from crm.storage.base import Store

_PENDING = "crm.storage.pending"  #: Session.info: [(store, key)] staged, awaiting the commit
_DOOMED = "crm.storage.doomed"  #: Session.info: [(store, key)] whose rows are deleted, awaiting the commit
log = logging.getLogger(__name__)


def stage(store: Store, key: str, stream: IO[bytes]) -> None:
    """Write the object of a row about to be added (raises OSError, nothing left behind); published when the
    session commits, discarded if it does not."""
    store.stage(key, stream)
    db.session.info.setdefault(_PENDING, []).append((store, key))


def unstage(store: Store, key: str) -> None:
    """The row could not even be flushed: the staged object goes now."""
    pending = db.session.info.get(_PENDING, [])
    if (store, key) in pending:
        pending.remove((store, key))
    _quietly(store.discard, store, key, "discard")


def delete_after_commit(store: Store, key: str) -> None:
    db.session.info.setdefault(_DOOMED, []).append((store, key))


def _quietly(action, store: Store, key: str, what: str) -> None:
    try:
        action(key)
    except OSError as error:
        log.error("could not %s %s (%s); `flask crm files check` will list it", what, store.describe(key), error)


@event.listens_for(Session, "after_commit")
def _published(session) -> None:
    """The commit made the rows: publish their objects; rows deleted for good lose theirs."""
    if session.get_nested_transaction() is not None:  # a savepoint: the rows are not committed yet
        return
    for store, key in session.info.pop(_PENDING, []):
        _quietly(store.publish, store, key, "publish")
    for store, key in session.info.pop(_DOOMED, []):
        _quietly(store.delete, store, key, "delete")


@event.listens_for(Session, "after_transaction_end")
def _discarded(session, transaction) -> None:
    """Rolled back or closed without a commit: the rows never were, so neither are their objects; and rows
    that were to be deleted are still there, so their objects stay."""
    if transaction.parent is None:
        for store, key in session.info.pop(_PENDING, []):
            _quietly(store.discard, store, key, "discard")
        session.info.pop(_DOOMED, None)
