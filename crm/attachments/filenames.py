"""The name an uploaded file is shown and offered for download under: the
name the browser sent, made safe, with the extension of the kind of file it
really is (crm.attachments.storage judges that from its content). It never
names the stored file, whose name is generated."""
import re
import unicodedata

#: other spellings of an allowed extension, so "photo.jpeg" keeps its name
_EXTENSION_ALIASES = {"jpeg": "jpg", "jpe": "jpg"}
MAX_NAME_LENGTH = 200
# Explicit bidi embeddings, overrides and isolates: "report" + U+202E + "fdp.exe"
# displays as "reportexe.pdf". Joiners stay: Arabic and Persian names use them.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


def _cap(name: str, limit: int = MAX_NAME_LENGTH) -> str:
    if len(name) <= limit:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and stem and len(extension) <= 16:
        return stem[:limit - len(extension) - 1].rstrip() + "." + extension
    return name[:limit].rstrip()


def safe_filename(name: str | None) -> str:
    """A name fit to show and to offer on download: the last part of whatever
    path the browser sent, without control characters, at most 200 characters.
    It is never used to name the stored file."""
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cs"))
    name = _BIDI_CONTROLS.sub("", name)
    # Old browsers send the full client path, with either separator.
    name = _WINDOWS_DRIVE.sub("", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = " ".join(name.split())
    # Leading dots hide a file on download; trailing dots and spaces vanish on Windows.
    name = name.lstrip(".").rstrip(". ")
    return _cap(name) or "file"


def display_name(name: str | None, extension: str) -> str:
    """The safe name, with the detected extension added when the name does not
    already say what the file is, so the download opens in the right program."""
    safe = safe_filename(name)
    stem, dot, given = safe.rpartition(".")
    given = given.lower()
    if dot and stem and _EXTENSION_ALIASES.get(given, given) == extension:
        return safe
    return _cap(f"{safe}.{extension}")
