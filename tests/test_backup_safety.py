"""A backup archive is written for its owner's eyes only, can be sealed with a passphrase, and an archive
to restore is checked whole first: a hostile one is refused with nothing written, neither rows nor files."""
import io
import json
import os
import shutil
import stat
import struct
import warnings
import zipfile
from pathlib import Path

import pytest

from crm.backup import Limits, RestoreError, check_archive
from crm.backup_encryption import CHUNK, DecryptionError, EncryptingWriter, WrongPassphrase, decrypt
from tests.test_backup import PDF, attach, empty_database_app, snapshot

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def empty_app(app, tmp_path):
    with empty_database_app(app, tmp_path) as restored:
        yield restored


@pytest.fixture
def good_archive(app, make, tmp_path, monkeypatch):
    """An archive made by `crm export` from the test database, with rows and one attachment."""
    make.user()
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "files"))
    attach(app, make, PDF)
    archive = tmp_path / "good.zip"
    result = app.test_cli_runner().invoke(args=["crm", "export", str(archive)])
    assert result.exit_code == 0, result.output
    return archive


@pytest.fixture
def restore_target(empty_app, tmp_path):
    """The empty database's attachments folder, already holding one file, and a way to prove nothing changed."""
    folder = Path(empty_app.config["ATTACHMENTS_DIR"])
    folder.mkdir(parents=True)
    (folder / "keep.txt").write_text("here before the restore")

    def on_disk():  # everything under tmp_path but the source side and the archives themselves
        return {path.relative_to(tmp_path).as_posix(): path.read_bytes() if path.is_file() else None
                for path in tmp_path.rglob("*")
                if ".sqlite3" not in path.name and not path.name.endswith((".zip", ".age", ".txt.pass"))
                and not path.is_relative_to(tmp_path / "files")}

    before = (snapshot(empty_app), on_disk())
    return lambda: (snapshot(empty_app), on_disk()) == before


def rebuilt(good: Path, target: Path, hostile: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    """The good archive plus a harmless attachment, then the hostile entries (last, as an attacker would put them:
    an unsafe entry used to be refused only after the entries before it had been unpacked)."""
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out, \
            warnings.catch_warnings(action="ignore", category=UserWarning):  # "Duplicate name" is the point
        for entry in source.infolist():
            out.writestr(entry, source.read(entry))
        out.writestr("attachments/aa/first.pdf", PDF)
        for entry, data in hostile:
            out.writestr(entry, data, compress_type=zipfile.ZIP_DEFLATED)
    return target


def link(name: str, points_to: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, points_to.encode()


def lying(good: Path, target: Path) -> Path:
    """An entry of 4 MiB of zeros whose central directory says it holds 1,000 bytes."""
    rebuilt(good, target, [("attachments/liar.bin", bytes(4 * 1024 * 1024))])
    data = bytearray(target.read_bytes())
    name = b"attachments/liar.bin"
    at = central_directory_start(data)
    while True:  # walk the central directory to the liar's record
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + name_length] == name:
            struct.pack_into("<I", data, at + 24, 1000)  # uncompressed size
            break
        extra, comment = struct.unpack_from("<HH", data, at + 30)
        at += 46 + name_length + extra + comment
    target.write_bytes(bytes(data))
    return target


def central_directory_start(data: bytes) -> int:
    end = data.rindex(b"PK\x05\x06")
    return struct.unpack_from("<I", data, end + 16)[0]


HOSTILE = {
    "zip bomb": lambda good, target: rebuilt(good, target, [("attachments/bomb.bin", bytes(20 * 1024 * 1024))]),
    "too many entries": lambda good, target: rebuilt(
        good, target, [(f"attachments/many/{n}.txt", b"x") for n in range(40)]),
    "too large": lambda good, target: rebuilt(good, target, [("attachments/big.bin", os.urandom(300_000))]),
    "path traversal": lambda good, target: rebuilt(good, target, [("attachments/../../evil.txt", b"owned")]),
    "absolute path": lambda good, target: rebuilt(good, target, [("/tmp/crm-evil.txt", b"owned")]),
    "symbolic link": lambda good, target: rebuilt(good, target, [link("attachments/passwd", "/etc/passwd")]),
    "entry twice": lambda good, target: rebuilt(good, target, [("attachments/aa/first.pdf", b"swapped")]),
    "foreign entry": lambda good, target: rebuilt(good, target, [("run-me.sh", b"rm -rf /")]),
    "lying header": lying,
    "cut off": lambda good, target: target.write_bytes(good.read_bytes()[:-300]) and target,
    "not an archive": lambda good, target: target.write_bytes(b"name;city\nx;=cmd|' /C calc'!A0\n") and target,
}


@pytest.mark.parametrize("attack", list(HOSTILE))
def test_hostile_archive_is_refused_with_nothing_written(attack, good_archive, empty_app, restore_target,
                                                         tmp_path, monkeypatch):
    archive = HOSTILE[attack](good_archive, tmp_path / "hostile.zip")
    with zipfile.ZipFile(good_archive) as good:
        monkeypatch.setitem(empty_app.config, "BACKUP_MAX_ENTRIES", len(good.infolist()) + 10)
    monkeypatch.setitem(empty_app.config, "BACKUP_MAX_ENTRY_BYTES", 200_000)

    result = empty_app.test_cli_runner().invoke(args=["crm", "import", str(archive)])

    assert result.exit_code != 0, result.output
    assert restore_target(), "a refused archive left rows or files behind"
    assert "Nothing was restored" in result.output and "Traceback" not in result.output
    assert not Path("/tmp/crm-evil.txt").exists() and not (tmp_path.parent / "evil.txt").exists()


def test_archive_bigger_than_the_free_space_is_refused_up_front(good_archive, empty_app, restore_target,
                                                                monkeypatch):
    import crm.backup_restore

    monkeypatch.setattr(crm.backup_restore.shutil, "disk_usage",
                        lambda path: shutil._ntuple_diskusage(10**9, 10**9, 10))
    result = empty_app.test_cli_runner().invoke(args=["crm", "import", str(good_archive)])
    assert result.exit_code == 1 and "only 10 free" in result.output
    assert restore_target()


def test_zip_bomb_is_refused_from_its_headers_before_a_byte_is_unpacked(good_archive, empty_app, tmp_path):
    archive = HOSTILE["zip bomb"](good_archive, tmp_path / "bomb.zip")
    assert archive.stat().st_size < 200_000  # 20 MiB of zeros in a small file
    with empty_app.app_context(), zipfile.ZipFile(archive) as opened, pytest.raises(RestoreError) as refused:
        check_archive(opened, Limits(), json.loads(opened.read("manifest.json"))["revision"])
    assert "compressed" in str(refused.value) and refused.value.bytes_read == 0


def test_lying_header_is_held_to_what_it_declares(good_archive, empty_app, tmp_path):
    archive = lying(good_archive, tmp_path / "liar.zip")
    with empty_app.app_context(), zipfile.ZipFile(archive) as opened, pytest.raises(RestoreError) as refused:
        declared = sum(entry.file_size for entry in opened.infolist())
        check_archive(opened, Limits(), json.loads(opened.read("manifest.json"))["revision"])
    assert "liar.bin" in str(refused.value)
    # the entry really holds 4 MiB, but no more than the headers declare was ever unpacked
    assert 0 < refused.value.bytes_read <= declared < 1024 * 1024


def test_export_to_a_missing_folder_says_so(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["crm", "export", str(tmp_path / "nowhere" / "backup.zip")])
    assert result.exit_code == 1 and "No archive was written" in result.output and "Traceback" not in result.output


def test_archive_is_readable_by_its_owner_only(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "files"))
    previous = os.umask(0o002)
    try:
        plain, sealed = tmp_path / "plain.zip", tmp_path / "sealed.age"
        plain.write_text("an older, world-readable backup")
        plain.chmod(0o644)
        runner = app.test_cli_runner()
        assert runner.invoke(args=["crm", "export", str(plain)]).exit_code == 0
        result = runner.invoke(args=["crm", "export", "--encrypt", str(sealed)],
                               input=f"{PASSPHRASE}\n{PASSPHRASE}\n")
        assert result.exit_code == 0, result.output
    finally:
        os.umask(previous)
    assert stat.S_IMODE(plain.stat().st_mode) == 0o600
    assert stat.S_IMODE(sealed.stat().st_mode) == 0o600
    assert [path.name for path in tmp_path.iterdir() if path.name.endswith(".part")] == []


def test_encrypted_round_trip_loses_nothing(app, make, empty_app, tmp_path, monkeypatch):
    files = tmp_path / "files"
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(files))
    stored = attach(app, make, PDF, "議事録.pdf")
    secret_hash = make.user().password_hash
    archive = tmp_path / "backup.age"
    exported = app.test_cli_runner().invoke(args=["crm", "export", "--encrypt", str(archive)],
                                            input=f"{PASSPHRASE}\n{PASSPHRASE}\n")
    assert exported.exit_code == 0, exported.output
    sealed = archive.read_bytes()
    assert not zipfile.is_zipfile(archive) and secret_hash.encode() not in sealed and b"users" not in sealed
    before = snapshot(app)

    passphrase_file = tmp_path / "backup.txt.pass"
    passphrase_file.write_text(PASSPHRASE + "\n")
    restored = empty_app.test_cli_runner().invoke(
        args=["crm", "import", "--passphrase-file", str(passphrase_file), str(archive)])
    assert restored.exit_code == 0, restored.output
    assert snapshot(empty_app) == before
    assert (Path(empty_app.config["ATTACHMENTS_DIR"]) / stored.relative_to(files)).read_bytes() == PDF


def test_passphrase_from_the_environment_and_a_wrong_one_restores_nothing(app, empty_app, restore_target,
                                                                          tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "files"))
    archive = tmp_path / "backup.age"
    monkeypatch.setenv("CRM_BACKUP_PASSPHRASE", PASSPHRASE)
    exported = app.test_cli_runner().invoke(args=["crm", "export", "--encrypt", str(archive)])
    assert exported.exit_code == 0, exported.output

    monkeypatch.setenv("CRM_BACKUP_PASSPHRASE", "not the passphrase at all")
    refused = empty_app.test_cli_runner().invoke(args=["crm", "import", str(archive)])
    assert refused.exit_code != 0
    assert "wrong passphrase" in refused.output and "Traceback" not in refused.output
    assert restore_target()

    monkeypatch.delenv("CRM_BACKUP_PASSPHRASE")
    prompted = empty_app.test_cli_runner().invoke(args=["crm", "import", str(archive)], input=f"{PASSPHRASE}\n")
    assert prompted.exit_code == 0, prompted.output


def test_passphrase_is_never_a_command_line_argument_and_never_short(app, tmp_path):
    runner = app.test_cli_runner()
    archive = tmp_path / "backup.age"
    assert runner.invoke(args=["crm", "export", "--encrypt", "--passphrase", PASSPHRASE, str(archive)]).exit_code == 2
    short = runner.invoke(args=["crm", "export", "--encrypt", str(archive)], input="short\nshort\n")
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    mismatch = runner.invoke(args=["crm", "export", "--encrypt", str(archive)],
                             input=f"{PASSPHRASE}\n{PASSPHRASE}x\n")
    assert mismatch.exit_code != 0
    assert not archive.exists()


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK])
def test_sealed_stream_opens_only_whole_and_with_its_passphrase(size):
    plain = os.urandom(size)
    out = io.BytesIO()
    writer = EncryptingWriter(out, PASSPHRASE)
    writer.write(plain[:100])
    writer.write(plain[100:])
    writer.close()
    sealed = out.getvalue()
    opened = io.BytesIO()
    assert decrypt(io.BytesIO(sealed), opened, PASSPHRASE) == size and opened.getvalue() == plain
    with pytest.raises(WrongPassphrase):
        decrypt(io.BytesIO(sealed), io.BytesIO(), PASSPHRASE + "!")
    last_chunk = (size % CHUNK or (CHUNK if size else 0)) + 16
    for damaged in (sealed[:-1], sealed[:-last_chunk] if size > CHUNK else sealed[:-1],
                    sealed[:-20] + bytes([sealed[-20] ^ 1]) + sealed[-19:], sealed + b"x"):
        with pytest.raises(DecryptionError):
            decrypt(io.BytesIO(damaged), io.BytesIO(), PASSPHRASE)
