"""The office's activity stamp: a value that changes in the same transaction as any record the health
figures are computed from, so figures cached per process (crm.process_cache) know they are stale.

A model whose changes move the stamp says so by taking the StampsActivity mixin; the stamp itself is
a column of the office settings, written by crm.settings.activity.
"""
import uuid

from sqlalchemy.orm import Session


class StampsActivity:
    """Mixin, without columns: adding, changing or deleting such a record moves the activity stamp."""


def new_stamp() -> str:
    return uuid.uuid4().hex


def activity_changed(session: Session) -> bool:
    """True when this flush adds, changes or deletes a record that moves the stamp."""
    return any(isinstance(obj, StampsActivity) for obj in (*session.new, *session.dirty, *session.deleted))
