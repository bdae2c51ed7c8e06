"""The storage interface (crm.storage) keeps one contract on both backends: the local folder and an
S3-compatible object store (tests/storage_server.py says which server). Each test runs on both."""
import errno
import io
import os

import pytest

from crm.config import ConfigError, load_config
from crm.storage import StorageError, store
from crm.storage.local import LocalStore
from tests.storage_server import *  # the fixtures backend, files, s3_settings

DATA = os.urandom(300_000)  # more than one read chunk, and bytes no text codec would keep


class Breaks(io.BytesIO):
    """A stream that fails partway, as an upload cut off or a disk that fills up."""

    def read(self, size=-1):
        if self.tell() > 100_000:
            raise OSError(errno.EIO, "the stream broke")
        return super().read(min(size, 65536) if size and size > 0 else 65536)


def keys(files, prefix=""):
    return sorted(stored.key for stored in files.list(prefix))


def test_stage_then_publish_then_read_back(files):
    files.stage("ab/ab12", io.BytesIO(DATA))
    assert files.exists(files.staged_key("ab/ab12"))
    files.publish("ab/ab12")
    assert files.exists("ab/ab12") and files.size("ab/ab12") == len(DATA)
    assert keys(files) == ["ab/ab12"]  # nothing left under a temporary name
    listed = next(iter(files.list("ab/")))
    with files.open("ab/ab12") as opened:  # (the tests' clock is stopped; the store's is not)
        assert opened.size == listed.size == len(DATA) and abs(opened.modified.timestamp() - listed.modified) < 2
        chunks = []
        while chunk := opened.read(65536):
            chunks.append(chunk)
    assert b"".join(chunks) == DATA


def test_staged_is_not_published_until_publish_on_the_local_folder_only(files, backend):
    """The folder writes under a temporary name; an object store writes the final key at once (no rename there)."""
    files.stage("ab/ab12", io.BytesIO(DATA))
    assert files.exists("ab/ab12") is (backend == "s3")
    assert keys(files) == (["ab/ab12"] if backend == "s3" else ["ab/ab12.part"])


def test_stage_never_writes_over_another_object(files):
    files.stage("ab/ab12", io.BytesIO(b"first"))
    with pytest.raises(OSError) as refused:
        files.stage("ab/ab12", io.BytesIO(b"second"))
    assert refused.value.errno == errno.EEXIST
    files.publish("ab/ab12")
    with files.open("ab/ab12") as opened:
        assert opened.read() == b"first"


def test_a_stream_that_breaks_leaves_nothing(files):
    with pytest.raises(OSError):
        files.stage("ab/ab12", Breaks(DATA))
    assert keys(files) == []


def test_discard_delete_and_missing_objects(files):
    files.stage("ab/one", io.BytesIO(b"1"))
    files.discard("ab/one")
    assert keys(files) == []
    files.put("ab/two", io.BytesIO(b"2"))
    files.delete("ab/two")
    files.delete("ab/never-there")  # nothing there is no error
    assert keys(files) == [] and not files.exists("ab/two")
    with pytest.raises(FileNotFoundError):
        files.open("ab/two")
    with pytest.raises(FileNotFoundError):
        files.size("ab/two")


def test_list_by_prefix_with_sizes_and_times(files):
    for key in ("ab/ab1", "ab/ab2", "emblems/e.png", "cd/cd1"):
        files.put(key, io.BytesIO(key.encode()))
    assert keys(files, "ab/") == ["ab/ab1", "ab/ab2"] and keys(files, "emblems/") == ["emblems/e.png"]
    listed = {stored.key: stored for stored in files.list("")}
    assert sorted(listed) == ["ab/ab1", "ab/ab2", "cd/cd1", "emblems/e.png"]
    assert listed["cd/cd1"].size == 6 and abs(listed["cd/cd1"].modified - listed["ab/ab1"].modified) < 60


def test_recover_publishes_what_a_committed_row_left_unpublished(files):
    files.stage("ab/ab12", io.BytesIO(DATA))  # the process died after the commit, before the publish
    with files.open_committed("ab/ab12") as opened:
        assert opened.read() == DATA
    assert files.recover("ab/ab12")
    assert keys(files) == ["ab/ab12"] and not files.recover("ab/missing")


@pytest.mark.parametrize("key", ["../escape", "/absolute", "ab/../../escape", ""])
def test_keys_that_would_leave_the_store_are_refused(files, key):
    with pytest.raises(ValueError):
        files.stage(key, io.BytesIO(b"x"))


def test_a_folder_linked_out_of_the_local_store_is_refused(app, tmp_path, monkeypatch):
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "attachments").mkdir()
    (tmp_path / "attachments" / "ab").symlink_to(outside)
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "attachments"))
    with pytest.raises(ValueError):
        store(app).stage("ab/cd/file", io.BytesIO(b"x"))
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("problem", ["wrong credentials", "nobody answers"])
def test_an_object_store_that_refuses_or_does_not_answer_raises_a_storage_error(app, s3_settings, problem):
    """What the uploader sees as "the server's storage" failing (crm.attachments.storage.storage_refusal)."""
    import boto3
    from botocore.config import Config

    from crm.storage.s3 import S3Store
    from tests.storage_server import server

    if problem == "wrong credentials" and server().kind == "moto":
        pytest.skip("moto, an API emulator, takes any credentials")
    endpoint, bucket = s3_settings["S3_ENDPOINT_URL"], s3_settings["S3_BUCKET"]
    if problem == "nobody answers":
        endpoint = "http://127.0.0.1:9"  # the discard port: closed
    key = "wrong" if problem == "wrong credentials" else "crm-test"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key,
                          aws_secret_access_key=key + "-secret", config=Config(retries={"max_attempts": 1}))
    broken = S3Store(bucket, client=client)
    for attempt in (lambda: broken.stage("ab/ab12", io.BytesIO(b"x")), lambda: broken.open("ab/ab12"),
                    lambda: list(broken.list(""))):
        with pytest.raises(StorageError):
            attempt()


def test_store_is_made_once_per_app_and_settings(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "a"))
    first = store(app)
    assert store(app) is first and isinstance(first, LocalStore)
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "b"))
    assert store(app) is not first and store(app).root == tmp_path / "b"


def test_the_configuration_refuses_an_object_store_without_a_bucket(tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_STORAGE", "s3")
    monkeypatch.delenv("CRM_S3_BUCKET", raising=False)
    with pytest.raises(ConfigError, match="CRM_S3_BUCKET"):
        load_config(tmp_path, {"ENV": "production", "SECRET_KEY": "x", "PUBLIC_URL": "https://crm.example.org"})
    monkeypatch.setenv("CRM_STORAGE", "ftp")
    with pytest.raises(ConfigError, match="CRM_STORAGE must be local"):
        load_config(tmp_path, {"SECRET_KEY": "x"})
    monkeypatch.setenv("CRM_STORAGE", "S3")
    monkeypatch.setenv("CRM_S3_BUCKET", "crm-files")
    config = load_config(tmp_path, {"SECRET_KEY": "x"})
    assert (config["STORAGE"], config["S3_BUCKET"], config["S3_PREFIX"]) == ("s3", "crm-files", "")
