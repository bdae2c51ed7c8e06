"""Soft delete: a deleted record keeps its row, marked with when and by whom, until it is purged.

Which records are left out of queries, and the deleting, restoring and purging,
live in crm.trash; this module holds what a model needs to be deletable.
"""
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from crm.database import UTCDateTime

#: how long a deleted engagement or attachment can be restored
KEEP_DAYS = 30

#: execution option: a query that passes it True sees deleted rows too (the restore page and the purge)
INCLUDE_DELETED = "include_deleted"
EVERYTHING = {INCLUDE_DELETED: True}


class SoftDeletable:
    """Mixin: deleting sets deleted_at; every ORM query leaves such rows out (see crm.trash.filters)."""

    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @declared_attr
    def deleted_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
