"""A city's emblem (coat of arms, seal or logo) for the agreement's letterhead: a PNG or JPEG image, checked
from its content like attachments (crm.attachments.storage), kept under ATTACHMENTS_DIR/emblems/ by a
generated name (City.emblem_name). The PDF fetcher serves it as app://emblems/<emblem_name>.

As with attachments, a file takes its name only when the transaction that names it on the city commits, and
a replaced or removed emblem's file goes when that commit is done; a rollback keeps things as they were.
These functions flush; the request commits."""
import logging
import re
import secrets
from io import BytesIO
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from crm.attachments.storage import (
    EMPTY,
    PATH_NAME,
    UploadRefused,
    detect_type,
    human_size,
    storage_refusal,
    temporary_path,
)
from crm.cities.models import City
from crm.extensions import db

FOLDER = "emblems"  #: under ATTACHMENTS_DIR
TYPES = {"png": "image/png", "jpg": "image/jpeg"}
MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 4000  #: pixels; a letterhead prints an emblem about 2 cm high
NAME = re.compile(r"[0-9a-f]{32}\.(png|jpg)")
WRONG_TYPE = _l("An emblem must be a PNG or JPEG image.")
NOT_AN_IMAGE = _l("The file is not a readable PNG or JPEG image.")
TOO_MANY_PIXELS = _l("The image is too large: at most %(side)s pixels wide and high.", side=MAX_SIDE)
_PENDING = "crm.cities.emblems.pending"  #: Session.info: [(temporary path, final path)]
_DOOMED = "crm.cities.emblems.doomed"  #: Session.info: [path] of replaced or removed emblems
_CHUNK = 64 * 1024
log = logging.getLogger(__name__)


def folder() -> Path:
    return Path(current_app.config["ATTACHMENTS_DIR"]) / FOLDER


def emblem_path(name: str | None) -> Path | None:
    """The file of a stored emblem name; None for anything this module never names."""
    if not NAME.fullmatch(name or ""):
        return None
    return folder() / name


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
    path = folder() / name
    temporary = temporary_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "xb") as out:
            out.write(data)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        current_app.logger.error("emblem refused: the file could not be written to %s (%s)", path.parent, error)
        raise UploadRefused(storage_refusal(error)) from None
    db.session.info.setdefault(_PENDING, []).append((temporary, path))
    _forget(city)
    city.emblem_name, city.emblem_type = name, TYPES[extension]
    db.session.flush()


def remove_emblem(city: City) -> None:
    _forget(city)
    city.emblem_name = city.emblem_type = None
    db.session.flush()


def _forget(city: City) -> None:
    """The city's current emblem file goes once the change is committed."""
    if (old := emblem_path(city.emblem_name)) is not None:
        db.session.info.setdefault(_DOOMED, []).append(old)


@event.listens_for(Session, "after_commit")
def _publish(session) -> None:
    if session.get_nested_transaction() is not None:  # a savepoint: nothing is committed yet
        return
    for temporary, final in session.info.pop(_PENDING, []):
        try:
            temporary.replace(final)
        except OSError as error:
            log.error("emblem %s could not take its name %s (%s)", temporary, final.name, error)
    for path in session.info.pop(_DOOMED, []):
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            log.error("could not remove the replaced emblem %s (%s)", path, error)


@event.listens_for(Session, "after_transaction_end")
def _discard(session, transaction) -> None:
    if transaction.parent is None:
        for temporary, _final in session.info.pop(_PENDING, []):
            temporary.unlink(missing_ok=True)
        session.info.pop(_DOOMED, None)

