"""The office's activity stamp: a value that changes in the same transaction as any record the health
figures are computed from, so figures cached per process (crm.health.snapshot) know they are stale, and
which partnerships each change was about, so they can be brought up to date for those alone.

A model whose changes move the stamp says so by taking the StampsActivity mixin (and, unless a change of it
may touch every partnership, by naming the partnerships it is about); the stamp itself is a column of the
office settings, written by crm.settings.activity with a row of crm.settings.models.ActivityChange.
"""
import uuid

from sqlalchemy import inspect
from sqlalchemy.orm import Session

EVERYTHING = None  #: a change that may touch any partnership's figures


class StampsActivity:
    """Mixin, without columns: adding, changing or deleting such a record moves the activity stamp."""

    #: the attribute holding the id of the partnership a record is about; None: any partnership's figures
    partnership_key: str | None = None

    def activity_partnership_ids(self) -> set[int] | None:
        """The partnerships whose figures this record's change may move (also the one it belonged to before
        the change); None: any."""
        if self.partnership_key is None:
            return EVERYTHING
        ids = {getattr(self, self.partnership_key)}
        ids.update(inspect(self).attrs[self.partnership_key].history.deleted or ())
        return {pid for pid in ids if pid is not None}


def new_stamp() -> str:
    return uuid.uuid4().hex


def changed_records(session: Session) -> list[StampsActivity]:
    return [obj for obj in (*session.new, *session.dirty, *session.deleted) if isinstance(obj, StampsActivity)]


def activity_changed(session: Session) -> bool:
    """True when this flush adds, changes or deletes a record that moves the stamp."""
    return bool(changed_records(session))


def changed_partnership_ids(records: list[StampsActivity]) -> set[int] | None:
    """The partnerships these changes are about (after the flush: new records have their ids); None: any."""
    ids: set[int] = set()
    for record in records:
        about = record.activity_partnership_ids()
        if about is EVERYTHING:
            return EVERYTHING
        ids |= about
    return ids
