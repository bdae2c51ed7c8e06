"""The object-store backend: any S3-compatible service through boto3 (AWS S3, MinIO, SeaweedFS, Ceph, …).

Bucket, endpoint, region and key prefix come from the configuration (CRM_S3_*); credentials the way boto3
finds them (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an instance role). An object is written
under its final key at once: a "rename" there is a copy of the whole object, and S3 writes are atomic (an
object is there whole or not at all), so a rollback deletes the object and `crm files check` finds one whose
process died before its commit."""
import errno
import io
import os
from collections.abc import Iterator
from typing import IO

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from urllib3.exceptions import HTTPError

from crm.storage.base import Opened, StorageError, Store, StoredObject

#: the largest object one PUT may write; larger ones go up in parts (then without the no-overwrite guard)
SINGLE_PUT_BYTES = 5 * 1024 ** 3
_MISSING = {"404", "NoSuchKey", "NotFound"}


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


class _Body(io.RawIOBase):
    """An object's body as it streams in; the connection failing halfway raises StorageError (an OSError)."""

    def __init__(self, body, where: str) -> None:
        super().__init__()
        self._body, self._where = body, where

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        try:
            return self._body.read(None if size is None or size < 0 else size)
        except (BotoCoreError, HTTPError) as error:
            raise StorageError(f"could not read {self._where}: {error}") from None

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self._body.close()
        super().close()


class S3Store(Store):
    def __init__(self, bucket: str, *, endpoint_url: str | None = None, region: str | None = None,
                 prefix: str = "", client=None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = client or boto3.client(
            "s3", endpoint_url=endpoint_url or None, region_name=region or None,
            # checksums only where S3 requires them: several S3-compatible servers refuse the newer trailers
            config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 3, "mode": "standard"},
                          request_checksum_calculation="when_required",
                          response_checksum_validation="when_required"))

    def _key(self, key: str) -> str:
        if not key or key.startswith("/") or any(part in ("", ".", "..") for part in key.split("/")):
            raise ValueError(f"unsafe key {key!r}")
        return self.prefix + key

    def _failed(self, action: str, key: str, error: Exception) -> StorageError:
        if isinstance(error, ClientError) and _code(error) in ("PreconditionFailed", "412"):
            return StorageError(f"{self.describe(key)} exists already", errno.EEXIST)
        if isinstance(error, ClientError) and _code(error) in ("AccessDenied", "InvalidAccessKeyId",
                                                               "SignatureDoesNotMatch"):
            return StorageError(f"could not {action} {self.describe(key)}: {error}", errno.EACCES)
        return StorageError(f"could not {action} {self.describe(key)}: {error}")

    def stage(self, key: str, stream: IO[bytes]) -> None:
        name = self._key(key)
        size = stream.seek(0, os.SEEK_END)
        stream.seek(0)
        try:
            if size <= SINGLE_PUT_BYTES:
                self.client.put_object(Bucket=self.bucket, Key=name, Body=stream, ContentLength=size,
                                       IfNoneMatch="*")  # never over another object
            else:
                self.client.upload_fileobj(stream, self.bucket, name)
        except (BotoCoreError, ClientError) as error:
            raise self._failed("write", key, error) from None

    def publish(self, key: str) -> None:
        """Written under its key already."""

    def open(self, key: str) -> Opened:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if _code(error) in _MISSING:
                raise FileNotFoundError(errno.ENOENT, "no such object", self.describe(key)) from None
            raise self._failed("read", key, error) from None
        except BotoCoreError as error:
            raise self._failed("read", key, error) from None
        return Opened(_Body(answer["Body"], self.describe(key)), answer["ContentLength"], answer["LastModified"])

    def _head(self, key: str) -> dict | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if _code(error) in _MISSING:
                return None
            raise self._failed("look up", key, error) from None
        except BotoCoreError as error:
            raise self._failed("look up", key, error) from None

    def size(self, key: str) -> int:
        head = self._head(key)
        if head is None:
            raise FileNotFoundError(errno.ENOENT, "no such object", self.describe(key))
        return head["ContentLength"]

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def remove(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(key))
        except (BotoCoreError, ClientError) as error:
            raise self._failed("delete", key, error) from None

    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix + prefix)
        try:
            for page in pages:
                for item in page.get("Contents", []):
                    yield StoredObject(item["Key"][len(self.prefix):], item["Size"], item["LastModified"].timestamp())
        except (BotoCoreError, ClientError) as error:
            raise self._failed("list", prefix, error) from None

    def describe(self, key: str = "") -> str:
        return f"s3://{self.bucket}/{self.prefix}{key}"
