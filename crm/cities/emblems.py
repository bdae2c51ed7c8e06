"""A city's emblem (coat of arms, seal or logo) for the agreement's letterhead: a PNG or JPEG image, checked
from its content like attachments (crm.attachments.storage), kept in the file store (crm.storage) under
"emblems/<generated name>" (City.emblem_name). The PDF fetcher serves it as app://emblems/<emblem_name>, from
the local folder's emblems/ or, with an object store, from local copies of the emblems a document prints.

As with attachments, a file is published only when the transaction that names it on the city commits, and
a replaced or removed emblem's file goes when that commit is done; a rollback keeps things as they were
(crm.storage.transactions). These functions flush; the request commits."""
import atexit
import re
import secrets
import shutil
import tempfile
import threading
from io import BytesIO
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from crm.attachments.consistency import StoredKind, register
from crm.attachments.storage import (
    EMPTY,
    PATH_NAME,
    UploadRefused,
    detect_type,
    human_size,
    storage_refusal,
)
from crm.cities.models import City
from crm.extensions import db
from crm.storage import LocalStore, store, transactions
from crm.storage.copies import copy_out

FOLDER = "emblems"  #: emblems' keys start with this (in the local folder: ATTACHMENTS_DIR/emblems)
TYPES = {"png": "image/png", "jpg": "image/jpeg"}
MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 4000  #: pixels; a letterhead prints an emblem about 2 cm high
NAME = re.compile(r"[0-9a-f]{32}\.(png|jpg)")
WRONG_TYPE = _l("An emblem must be a PNG or JPEG image.")
NOT_AN_IMAGE = _l("The file is not a readable PNG or JPEG image.")
TOO_MANY_PIXELS = _l("The image is too large: at most %(side)s pixels wide and high.", side=MAX_SIDE)
#: the emblems an HTML document prints (crm.documents.agreement writes them so)
PRINTED = re.compile(r"app://emblems/([0-9a-f]{32}\.(?:png|jpg))")
_CHUNK = 64 * 1024


def emblem_key(name: str | None) -> str | None:
    """The store's key of a stored emblem name; None for anything this module never names."""
    if not NAME.fullmatch(name or ""):
        return None
    return f"{FOLDER}/{name}"


def _read(stream) -> bytes:
    """The whole upload (an emblem is small), refused as soon as it passes the limit."""
    data = bytearray()
    stream.seek(0)
    while chunk := stream.read(_CHUNK):
        data += chunk
        if len(data) > MAX_BYTES:
            raise UploadRefused(_l("The file is larger than the limit of %(size)s.", size=human_size(MAX_BYTES)))
    if not data:
        raise UploadRefused(EMPTY)
    return bytes(data)


def _check_image(data: bytes, extension: str) -> None:
    try:
        with Image.open(BytesIO(data)) as image:
            if image.format != {"png": "PNG", "jpg": "JPEG"}[extension]:
                raise UploadRefused(NOT_AN_IMAGE)
            if max(image.size) > MAX_SIDE:
                raise UploadRefused(TOO_MANY_PIXELS)
            image.verify()
    except UploadRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UploadRefused(NOT_AN_IMAGE) from None


def save_emblem(city: City, upload: FileStorage) -> None:
    """Check an uploaded image and make it the city's emblem (replacing one it had); raises UploadRefused."""
    if any(separator in (upload.filename or "") for separator in ("/", "\\")):
        raise UploadRefused(PATH_NAME)
    data = _read(upload.stream)
    detected = detect_type(data[:8192])
    if detected is None or detected[0] not in TYPES:
        raise UploadRefused(WRONG_TYPE)
    extension = detected[0]
    _check_image(data, extension)
    name = f"{secrets.token_hex(16)}.{extension}"
    files, key = store(), emblem_key(name)
    try:
        transactions.stage(files, key, BytesIO(data))
    except OSError as error:
        current_app.logger.error("emblem refused: the file could not be written to %s (%s)", files.describe(key),
                                 error)
        raise UploadRefused(storage_refusal(error)) from None
    try:
        _forget(city)
        city.emblem_name, city.emblem_type = name, TYPES[extension]
        db.session.flush()
    except BaseException:
        transactions.unstage(files, key)
        raise


def remove_emblem(city: City) -> None:
    _forget(city)
    city.emblem_name = city.emblem_type = None
    db.session.flush()


def _named_emblems() -> dict[str, str]:
    return {f"{FOLDER}/{name}": f"the emblem of city {city_id} {city!r}" for city_id, name, city in db.session.execute(
        select(City.id, City.emblem_name, City.name).where(City.emblem_name.is_not(None)).order_by(City.id))}


register(StoredKind(re.compile(FOLDER + r"/[0-9a-f]{32}\.(?:png|jpg)"), _named_emblems))  # for `crm files check`


def _forget(city: City) -> None:
    """The city's current emblem file goes once the change is committed."""
    if (old := emblem_key(city.emblem_name)) is not None:
        transactions.delete_after_commit(store(), old)


_copies: dict[str, Path] = {}  #: per store (its description): a folder of this process's emblem copies
_copies_lock = threading.Lock()


def folder_for(html: str) -> str:
    """The folder the PDF worker reads the emblems of `html` from: the local store's emblems folder, or (an
    object store) this process's folder of copies, where those emblems are copied first. An emblem's name is
    never reused for another image, so a copy never goes stale."""
    files = store()
    if isinstance(files, LocalStore):
        return str(files.root / FOLDER)
    with _copies_lock:
        folder = _copies.get(files.describe())
        if folder is None:
            folder = _copies[files.describe()] = Path(tempfile.mkdtemp(prefix="crm-emblems-"))
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
    for name in set(PRINTED.findall(html)):
        if (folder / name).is_file():
            continue
        try:  # one the store cannot give is left out: the letterhead prints without it
            if not copy_out(files, emblem_key(name), folder / name):
                current_app.logger.error("emblem %s is missing from %s", name, files.describe())
        except OSError as error:
            current_app.logger.error("emblem %s could not be read from %s (%s)", name, files.describe(), error)
    return str(folder)
