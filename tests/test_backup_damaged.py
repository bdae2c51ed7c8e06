"""Damaged input gets a plain message (issue 26, item 2): a truncated, corrupted or foreign file, an archive of
another schema revision or one that does not hold together, a database never upgraded — each is one or two lines
saying what is wrong and what to do, a non-zero exit, and nothing written, neither rows nor files. `crm import
--check` says the same without writing anything, and passes a sound archive even on a database in use."""
import io
import json
import shutil
import struct
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from crm.extensions import db
from tests.test_backup import PDF, attach, empty_database_app, snapshot
from tests.test_backup_safety import (  # noqa: F401 (fixtures)
    PASSPHRASE, central_directory_start, empty_app, good_archive, restore_target)


def entry_data_offset(data: bytes, name: str) -> tuple[int, int]:
    """Where an entry's (compressed) bytes start in the zip, and how many there are."""
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        info = opened.getinfo(name)
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    return info.header_offset + 30 + name_length + extra_length, info.compress_size


def flipped(good: Path, target: Path, at) -> Path:
    data = bytearray(good.read_bytes())
    position = at(bytes(data))
    data[position] ^= 0xFF
    target.write_bytes(bytes(data))
    return target


def rewritten(good: Path, target: Path, change) -> Path:
    """The good archive with its entries passed through change(name, bytes) -> bytes."""
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in source.infolist():
            out.writestr(entry, change(entry.filename, source.read(entry)))
    return target


def in_json(name: str, edit):
    def change(filename, data):
        return json.dumps(edit(json.loads(data))).encode() if filename == name else data
    return change


def foreign_zip(good: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as out:
        out.writestr("[Content_Types].xml", "<Types/>")
        out.writestr("word/document.xml", "<document/>")
    return target


def middle_of(name: str):
    def at(data: bytes) -> int:
        start, length = entry_data_offset(data, name)
        return start + length // 2
    return at


def swapped_file(filename: str, data: bytes) -> bytes:
    return bytes(len(data)) if filename.startswith("attachments/") else data


DAMAGED = {
    "truncated": (lambda good, target: target.write_bytes(good.read_bytes()[: good.stat().st_size // 2]) and target,
                  "damaged"),
    "empty file": (lambda good, target: target.write_bytes(b"") or target, "not an archive made by `crm export`"),
    "flipped byte in a table": (lambda good, target: flipped(good, target, middle_of("tables/users.json")),
                                "tables/users.json"),
    "flipped byte in a file": (lambda good, target: flipped(good, target, lambda data: entry_data_offset(
        data, next(n for n in zipfile.ZipFile(good).namelist() if n.startswith("attachments/")))[0] + 3),
        "attachments/"),
    "flipped byte in the directory": (lambda good, target: flipped(
        good, target, lambda data: central_directory_start(data) + 46 + 2), "archive"),
    "foreign zip": (foreign_zip, "is not part of an archive made by `crm export`"),
    "another program's manifest": (lambda good, target: rewritten(good, target, in_json(
        "manifest.json", lambda manifest: {"version": 3})), "manifest is not one `crm export` writes"),
    "unknown schema revision": (lambda good, target: rewritten(good, target, in_json(
        "manifest.json", lambda manifest: {**manifest, "revision": "0000deadbeef"})),
        "restore it with the version that made it"),
    "older schema revision": (lambda good, target: rewritten(good, target, in_json(
        "manifest.json", lambda manifest: {**manifest, "revision": "af4486b3aa60"})),
        "db upgrade af4486b3aa60"),
    "counts that lie": (lambda good, target: rewritten(good, target, in_json(
        "manifest.json", lambda manifest: {**manifest, "tables": {**manifest["tables"], "users": 7}})),
        "does not hold the rows its manifest counts"),
    "broken references": (lambda good, target: rewritten(good, target, lambda name, data: (
        json.dumps(json.loads(data) | {"tables": json.loads(data)["tables"] | {"partnerships": 0}}).encode()
        if name == "manifest.json" else b"[]" if name == "tables/partnerships.json" else data)),
        "refer through partnership_id to partnerships rows it does not hold"),
    "a row of another schema": (lambda good, target: rewritten(good, target, in_json(
        "tables/users.json", lambda rows: [{**row, "shoe_size": 44} for row in rows])), "users is damaged"),
    "a date that is not one": (lambda good, target: rewritten(good, target, in_json(
        "tables/users.json", lambda rows: [{**row, "created_at": "yesterday"} for row in rows])), "users is damaged"),
    "another file than its row's": (lambda good, target: rewritten(good, target, swapped_file),
                                    "is not the one its row records"),
}


def short_message(result) -> bool:
    lines = result.output.strip().splitlines()
    return result.exit_code == 1 and 1 <= len(lines) <= 2 and "Traceback" not in result.output


@pytest.mark.parametrize("damage", list(DAMAGED))
def test_damaged_archive_gets_a_message_and_nothing_is_written(damage, good_archive, empty_app, restore_target,
                                                               tmp_path):
    make_damaged, says = DAMAGED[damage]
    archive = make_damaged(good_archive, tmp_path / "damaged.zip")
    runner = empty_app.test_cli_runner()

    checked = runner.invoke(args=["crm", "import", "--check", str(archive)])
    restored = runner.invoke(args=["crm", "import", str(archive)])

    assert short_message(checked), checked.output
    assert short_message(restored), restored.output
    assert says in restored.output and says in checked.output, restored.output
    assert "Nothing was restored" in restored.output and "nothing was written" in checked.output
    assert restore_target(), "a refused archive left rows or files behind"


def test_check_passes_a_sound_archive_on_a_database_in_use_and_writes_nothing(app, make, good_archive, tmp_path):
    before = snapshot(app), sorted(Path(app.config["ATTACHMENTS_DIR"]).rglob("*"))
    result = app.test_cli_runner().invoke(args=["crm", "import", "--check", str(good_archive)])
    assert result.exit_code == 0, result.output
    assert "The archive is sound" in result.output and "1 attachment (" in result.output
    assert (snapshot(app), sorted(Path(app.config["ATTACHMENTS_DIR"]).rglob("*"))) == before


@pytest.mark.parametrize("revision", [None, "previous"])
def test_database_not_upgraded_gets_a_message_and_nothing_is_written(revision, app, good_archive, tmp_path):
    if revision == "previous":
        with app.app_context():
            scripts = ScriptDirectory(app.extensions["migrate"].directory)
            revision = scripts.get_revision(scripts.get_current_head()).down_revision
    with empty_database_app(app, tmp_path, "behind", revision=revision) as behind:
        with behind.app_context():
            tables_before = sorted(sa.inspect(db.engine).get_table_names())
        runner = behind.test_cli_runner()
        checked = runner.invoke(args=["crm", "import", "--check", str(good_archive)])
        restored = runner.invoke(args=["crm", "import", str(good_archive)])
        with behind.app_context():
            assert sorted(sa.inspect(db.engine).get_table_names()) == tables_before
            if revision:
                assert db.session.scalar(sa.text("SELECT count(*) FROM users")) == 0
        assert not Path(behind.config["ATTACHMENTS_DIR"]).exists()
    assert short_message(checked), checked.output
    assert short_message(restored), restored.output
    assert ("never upgraded" if revision is None else "run `flask --app wsgi db upgrade`") in restored.output


def test_any_flipped_byte_is_refused_with_a_message_or_restores_exactly(app, good_archive, empty_app,
                                                                        restore_target, tmp_path):
    """Bytes flipped across the whole archive, one at a time: the restore either refuses in a line or two and
    writes nothing, or (a byte zip does not check, such as a timestamp) restores exactly the original."""
    original = snapshot(app)
    data = good_archive.read_bytes()
    folder = Path(empty_app.config["ATTACHMENTS_DIR"])
    outcomes = {"refused": 0, "restored": 0}
    for position in range(0, len(data), max(1, len(data) // 30)):
        archive = flipped(good_archive, tmp_path / "flipped.zip", lambda _: position)
        result = empty_app.test_cli_runner().invoke(args=["crm", "import", str(archive)])
        if result.exit_code == 0:
            outcomes["restored"] += 1
            assert snapshot(empty_app) == original
            with empty_app.app_context():
                for table in reversed(db.metadata.sorted_tables):
                    db.session.execute(table.delete())
                db.session.commit()
            for child in folder.iterdir():
                if child.name != "keep.txt":
                    shutil.rmtree(child)
        else:
            outcomes["refused"] += 1
            assert short_message(result), (position, result.output)
            assert restore_target(), f"flipping byte {position} left rows or files behind"
    assert outcomes["refused"] > outcomes["restored"], outcomes


def test_export_stops_at_a_lost_or_changed_file_and_writes_no_archive(app, make, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "files"))
    stored = attach(app, make, PDF)
    runner = app.test_cli_runner()

    stored.write_bytes(PDF.replace(b"1.4", b"1.7"))
    changed = runner.invoke(args=["crm", "export", str(tmp_path / "backup.zip")])
    stored.unlink()
    lost = runner.invoke(args=["crm", "export", str(tmp_path / "backup.zip")])

    assert short_message(changed) and "is not the one its row records" in changed.output, changed.output
    assert short_message(lost) and "is missing" in lost.output, lost.output
    assert "No archive was written" in lost.output
    assert [path.name for path in tmp_path.iterdir() if path.suffix in (".zip", ".part")] == []


def test_restore_refuses_to_overwrite_a_file_already_there(good_archive, empty_app, tmp_path):
    with zipfile.ZipFile(good_archive) as opened:
        name = next(n for n in opened.namelist() if n.startswith("attachments/"))
    there = Path(empty_app.config["ATTACHMENTS_DIR"]) / name.removeprefix("attachments/")
    there.parent.mkdir(parents=True)
    there.write_bytes(b"already here")
    result = empty_app.test_cli_runner().invoke(args=["crm", "import", str(good_archive)])
    assert short_message(result) and "attachments folder is not empty" in result.output, result.output
    assert there.read_bytes() == b"already here" and snapshot(empty_app)["users"] == []


def test_check_opens_an_encrypted_archive_with_its_passphrase_only(app, make, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "files"))
    attach(app, make, PDF)
    monkeypatch.setenv("CRM_BACKUP_PASSPHRASE", PASSPHRASE)
    runner = app.test_cli_runner()
    archive = tmp_path / "backup.age"
    assert runner.invoke(args=["crm", "export", "--encrypt", str(archive)]).exit_code == 0
    sound = runner.invoke(args=["crm", "import", "--check", str(archive)])
    monkeypatch.setenv("CRM_BACKUP_PASSPHRASE", PASSPHRASE + "!")
    wrong = runner.invoke(args=["crm", "import", "--check", str(archive)])
    assert sound.exit_code == 0 and "The archive is sound" in sound.output, sound.output
    assert short_message(wrong) and "wrong passphrase" in wrong.output, wrong.output


def test_restore_failing_at_the_commit_leaves_no_file(good_archive, empty_app, restore_target, monkeypatch):
    """The files are moved into place just before the commit: when the commit fails they go again."""
    def commit_fails():
        raise sa.exc.OperationalError("COMMIT", {}, Exception("the server closed the connection"))

    with empty_app.app_context():
        monkeypatch.setattr(db.session, "commit", commit_fails)
        result = empty_app.test_cli_runner().invoke(args=["crm", "import", str(good_archive)])
        monkeypatch.undo()
    assert short_message(result) and "the database refused the restored rows" in result.output, result.output
    assert restore_target(), "a failed restore left rows or files behind"


def test_export_beyond_the_restore_limits_says_which_setting_to_raise(app, make, tmp_path, monkeypatch):
    """An archive the restore would refuse is not reported as a backup."""
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "files"))
    monkeypatch.setitem(app.config, "BACKUP_MAX_ENTRY_BYTES", 10)
    attach(app, make, PDF)
    result = app.test_cli_runner().invoke(args=["crm", "export", str(tmp_path / "backup.zip")])
    assert short_message(result) and "failed its own check" in result.output, result.output
    assert "raise the BACKUP_MAX_* setting" in result.output and "No archive was written" in result.output
    assert not (tmp_path / "backup.zip").exists()
