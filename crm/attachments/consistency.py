"""Stored files and the rows that name them, compared, on either store (crm.storage): files no row names,
rows whose file is missing, and (local folder) files a commit left under their temporary name because the
process died between the commit and the rename. Attachments, and every other kind of stored file that
registers itself here (crm.cities.emblems: the cities' emblems).

A file no row names is what a process killed between writing it and committing its row leaves: in the local
folder under its temporary name (`<name>.part`), in an object store under its key (an object store has no
rename; crm.storage.s3)."""
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from crm.attachments.models import Attachment
from crm.extensions import db
from crm.soft_delete import EVERYTHING
from crm.storage import Store, store

#: files younger than this are not judged: their upload may still be on its way to its commit
DEFAULT_MIN_AGE_MINUTES = 60


@dataclass(frozen=True)
class StoredKind:
    """A kind of file the application stores: the keys it writes, and every key its rows name (with which row,
    in words, for the report)."""
    keys: re.Pattern
    named: Callable[[], dict[str, str]]


def _attachment_keys() -> dict[str, str]:
    """Deleted attachments in the trash too: they keep their file."""
    return {f"{name[:2]}/{name}": f"attachment {attachment_id} {filename!r}"
            for attachment_id, name, filename in db.session.execute(
                select(Attachment.id, Attachment.stored_name, Attachment.filename).order_by(Attachment.id),
                execution_options=EVERYTHING)}


KINDS: list[StoredKind] = [StoredKind(re.compile(r"([0-9a-f]{2})/\1[0-9a-f]{30}"), _attachment_keys)]


def register(kind: StoredKind) -> None:
    """Let the check judge another kind of stored file (a feature registers its own as it is imported)."""
    if kind not in KINDS:
        KINDS.append(kind)


@dataclass
class FileReport:
    store: Store
    orphans: list[str] = field(default_factory=list)  #: keys of our files (or temporary files) that no row names
    unfinished: list[str] = field(default_factory=list)  #: keys of temporary files whose row was committed
    missing: list[tuple[str, str]] = field(default_factory=list)  #: (which row, key) of rows without file
    foreign: list[str] = field(default_factory=list)  #: keys not named like ours: listed, never touched
    recent: int = 0  #: files too young to judge
    removed: list[str] = field(default_factory=list)
    finished: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)  #: of the orphans, as found

    @property
    def orphan_bytes(self) -> int:
        return sum(self.sizes.values())

    @property
    def clean(self) -> bool:
        """Nothing left to act on after this run."""
        left = set(self.orphans) - set(self.removed) | set(self.unfinished) - set(self.finished)
        return not (left or self.missing or self.failed)

    def where(self, key: str) -> str:
        """The file of key as the store names it: a path, or s3://bucket/key."""
        return self.store.describe(key)


def _rows() -> dict[str, str]:
    """Every key a row names, and which row."""
    rows: dict[str, str] = {}
    for kind in KINDS:
        rows.update(kind.named())
    return rows


def _ours(key: str) -> bool:
    return any(kind.keys.fullmatch(key) for kind in KINDS)


def check_files(remove: bool = False, min_age_minutes: float = DEFAULT_MIN_AGE_MINUTES) -> FileReport:
    """Compare the store with the rows. With remove, files no row names are deleted and committed rows'
    temporary files take their names. Files younger than min_age_minutes are left alone (0: judge every file)."""
    files = store()
    rows = _rows()
    report = FileReport(files)
    suffix = files.staged_suffix
    finals, temporaries, modified, sizes = set(), set(), {}, {}
    for stored in files.list(""):
        key = stored.key
        staged = bool(suffix) and key.endswith(suffix)
        name = key[:-len(suffix)] if staged else key
        if not _ours(name):
            report.foreign.append(key)
            continue
        (temporaries if staged else finals).add(name)
        modified[key], sizes[key] = stored.modified, stored.size
    cutoff = time.time() - min_age_minutes * 60 if min_age_minutes > 0 else None

    def too_young(key: str) -> bool:
        if cutoff is not None and modified[key] > cutoff:
            report.recent += 1
            return True
        return False

    for name in sorted(finals):
        if name not in rows and not too_young(name):
            report.orphans.append(name)
    for name in sorted(temporaries):
        key = name + suffix
        if too_young(key):
            continue
        if name in rows and name not in finals:
            report.unfinished.append(key)  # committed, then the process died before the rename
        else:
            report.orphans.append(key)  # never committed, or left beside its finished file
    report.orphans.sort()
    report.foreign.sort()
    report.sizes = {key: sizes[key] for key in report.orphans}
    report.missing = [(row, key) for key, row in rows.items() if key not in finals and key not in temporaries]
    if remove:
        for key in report.orphans:
            try:
                files.remove(key)
                report.removed.append(key)
            except OSError as error:
                report.failed.append((key, error.strerror or str(error)))
        for key in report.unfinished:
            try:
                files.publish(key[:-len(suffix)])
                report.finished.append(key)
            except OSError as error:
                report.failed.append((key, error.strerror or str(error)))
    return report
