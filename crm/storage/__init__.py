"""Where the application's files are kept: attachments, cities' emblems and what a backup restores.

`store()` gives the configured backend (STORAGE: "local", a folder, the default; or "s3", an S3-compatible
object store), made once per application and configuration and kept in app.extensions. Keys: an
attachment's file is "<first two letters of its stored name>/<stored name>", an emblem's
"emblems/<emblem name>" (crm.attachments.storage, crm.cities.emblems)."""
from flask import current_app

from crm.storage.base import Opened, StorageError, Store, StoredObject
from crm.storage.local import LocalStore

__all__ = ["LocalStore", "Opened", "StorageError", "Store", "StoredObject", "store"]

BACKENDS = ("local", "s3")
_EXTENSION = "crm.storage"


def _settings(config) -> tuple:
    if config.get("STORAGE", "local") == "s3":
        return ("s3", config.get("S3_BUCKET"), config.get("S3_ENDPOINT_URL"), config.get("S3_REGION"),
                config.get("S3_PREFIX") or "")
    return ("local", config["ATTACHMENTS_DIR"])


def make_store(settings: tuple) -> Store:
    if settings[0] == "s3":
        from crm.storage.s3 import S3Store  # boto3 is imported only when it is used

        _, bucket, endpoint_url, region, prefix = settings
        if not bucket:
            raise StorageError("CRM_STORAGE=s3 needs CRM_S3_BUCKET")
        return S3Store(bucket, endpoint_url=endpoint_url, region=region, prefix=prefix)
    return LocalStore(settings[1])


def store(app=None) -> Store:
    """The application's store. Made again when its settings change (the tests point ATTACHMENTS_DIR at a
    folder of their own); otherwise one per application, shared by its threads (a boto3 client is)."""
    app = app or current_app._get_current_object()
    settings = _settings(app.config)
    cached = app.extensions.get(_EXTENSION)
    if cached is None or cached[0] != settings:
        cached = (settings, make_store(settings))
        app.extensions[_EXTENSION] = cached
    return cached[1]
