"""Stored files and attachment rows, compared: files no row names, rows whose file is missing, and files
a commit left under their temporary name (the process died between the commit and the rename)."""
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from crm.attachments.models import Attachment
from crm.attachments.storage import _STORED_NAME, PART_SUFFIX
from crm.extensions import db
from crm.soft_delete import EVERYTHING

#: files younger than this are not judged: their upload may still be on its way to its commit
DEFAULT_MIN_AGE_MINUTES = 60


@dataclass
class FileReport:
    orphans: list[Path] = field(default_factory=list)  #: our files (or temporary files) that no row names
    unfinished: list[Path] = field(default_factory=list)  #: temporary files whose row was committed
    missing: list[tuple[int, str, Path]] = field(default_factory=list)  #: (id, file name, path) of rows without file
    foreign: list[Path] = field(default_factory=list)  #: files not named like ours: listed, never touched
    recent: int = 0  #: files too young to judge
    removed: list[Path] = field(default_factory=list)
    finished: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    sizes: dict[Path, int] = field(default_factory=dict)  #: of the orphans, as found

    @property
    def orphan_bytes(self) -> int:
        return sum(self.sizes.values())

    @property
    def clean(self) -> bool:
        """Nothing left to act on after this run."""
        left = set(self.orphans) - set(self.removed) | set(self.unfinished) - set(self.finished)
        return not (left or self.missing or self.failed)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _stored_name_of(path: Path) -> tuple[str, bool] | None:
    """(stored name, temporary?) of a file named the way storage names them, in the right folder; else None."""
    name = path.name
    temporary = name.endswith(PART_SUFFIX)
    stem = name[:-len(PART_SUFFIX)] if temporary else name
    if _STORED_NAME.fullmatch(stem) and path.parent.name == stem[:2]:
        return stem, temporary
    return None


def check_files(remove: bool = False, min_age_minutes: float = DEFAULT_MIN_AGE_MINUTES) -> FileReport:
    """Compare the attachments folder with the rows (deleted ones in the trash included: they keep their file).

    With remove, files no row names are deleted and committed rows' temporary files take their names.
    Files younger than min_age_minutes are left alone (0: judge every file)."""
    folder = Path(current_app.config["ATTACHMENTS_DIR"])
    rows = {stored_name: (attachment_id, filename) for attachment_id, stored_name, filename in db.session.execute(
        select(Attachment.id, Attachment.stored_name, Attachment.filename), execution_options=EVERYTHING)}
    report = FileReport()
    finals: dict[str, Path] = {}
    temporaries: dict[str, Path] = {}
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if path.is_dir() and not path.is_symlink():
            continue
        named = None if path.is_symlink() or not path.is_file() else _stored_name_of(path)
        if named is None:
            report.foreign.append(path)
        elif named[1]:
            temporaries[named[0]] = path
        else:
            finals[named[0]] = path
    cutoff = time.time() - min_age_minutes * 60 if min_age_minutes > 0 else None

    def too_young(path: Path) -> bool:
        if cutoff is not None and _modified(path) > cutoff:
            report.recent += 1
            return True
        return False

    for stored_name, path in finals.items():
        if stored_name not in rows and not too_young(path):
            report.orphans.append(path)
    for stored_name, path in temporaries.items():
        if too_young(path):
            continue
        if stored_name in rows and stored_name not in finals:
            report.unfinished.append(path)  # committed, then the process died before the rename
        else:
            report.orphans.append(path)  # never committed, or left beside its finished file
    report.orphans.sort()
    report.sizes = {path: _size(path) for path in report.orphans}
    for stored_name, (attachment_id, filename) in sorted(rows.items(), key=lambda item: item[1][0]):
        if stored_name not in finals and stored_name not in temporaries:
            report.missing.append((attachment_id, filename, folder / stored_name[:2] / stored_name))
    if remove:
        for path in report.orphans:
            try:
                path.unlink(missing_ok=True)
                report.removed.append(path)
            except OSError as error:
                report.failed.append((path, error.strerror or str(error)))
        for path in report.unfinished:
            try:
                path.replace(path.with_name(path.name[:-len(PART_SUFFIX)]))
                report.finished.append(path)
            except OSError as error:
                report.failed.append((path, error.strerror or str(error)))
    return report


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
