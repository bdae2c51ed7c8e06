"""No lost updates: editable records carry a version; a save based on an older one is refused.

SQLAlchemy's version_id_col makes every UPDATE say "WHERE version = <the one
loaded>", so even two saves racing each other cannot both win. Forms carry
the version they were opened with; when it is no longer current, the person
sees what changed meanwhile, keeps their own input, and can save again on
top of the new version deliberately.
"""
from dataclasses import dataclass

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from wtforms import HiddenField


class Versioned:
    """Mixin: a version column that SQLAlchemy checks and increments on every UPDATE.

    A model with mapper arguments of its own (a polymorphic base) merges
    them with ``version_mapper_args(cls)`` in its own ``__mapper_args__``."""

    #: incremented on every change; a save based on an older version is refused (no lost updates)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return version_mapper_args(cls)


def version_mapper_args(cls) -> dict:
    return {"version_id_col": cls.__table__.c.version}


class VersionField(HiddenField):
    """The version the form was opened with."""


@dataclass
class Conflict:
    fields: list[tuple[str, str]]  #: (label, current value) of the fields that differ from the submission


def conflict_for(form, record, field_names: list[str]) -> Conflict | None:
    """A Conflict when the record changed since the form was opened, else None.

    The form's version field is moved to the current version, so saving again
    is a deliberate choice to overwrite."""
    submitted = form.version.data
    if str(submitted or "") == str(record.version):
        return None
    differing = []
    for name in field_names:
        current = getattr(record, name, None)
        mine = form[name].data
        current_value = getattr(current, "value", current)
        if str(current_value if current_value is not None else "") != str(
                getattr(mine, "value", mine) if mine is not None else ""):
            differing.append((str(form[name].label.text), "" if current is None else str(getattr(current, "label",
                                                                                                     current))))
    form.version.data = str(record.version)
    return Conflict(differing)


def save_unless_conflict(form, record, field_names: list[str], apply) -> Conflict | None:
    """Apply the form and commit, unless the record changed since the form was opened.

    Returns the Conflict to show (nothing saved), or None when saved."""
    from sqlalchemy.orm.exc import StaleDataError

    from crm.extensions import db

    conflict = conflict_for(form, record, field_names)
    if conflict is not None:
        return conflict
    try:
        apply()  # may flush: the version check can fail here already
        db.session.commit()
    except StaleDataError:  # another save won the race between our check and our commit
        db.session.rollback()
        db.session.refresh(record)
        return conflict_for(form, record, field_names) or Conflict([])
    return None
