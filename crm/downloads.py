"""The Content-Disposition of every download: the readable name, and an ASCII name for older clients.

RFC 6266: `filename*=UTF-8''…` carries the real name (東京訪問.pdf) for every current browser;
`filename="…"` is the fallback the others use, so it must be readable too. Werkzeug's own fallback
drops every non-ASCII letter, leaving " .pdf" for an Arabic or Japanese name; here the name is
transliterated instead (تقرير.pdf → tqryr.pdf, 東京.pdf → DongJing.pdf) with anyascii.
"""
import re
from urllib.parse import quote

from anyascii import anyascii
from flask import Response

from crm.bidi import without_bidi_controls

#: what an ASCII fallback keeps; anything else (quotes, backslashes, slashes, controls) becomes a hyphen
UNSAFE_IN_FALLBACK = re.compile(r"[^A-Za-z0-9 ._()+,=@&!~'\[\]-]+")
DEFAULT_STEM = "download"


def ascii_file_name(name: str) -> str:
    """A readable ASCII file name for `name`: transliterated, without characters a quoted header or a
    file system would trip on, never empty before its extension."""
    plain = anyascii(without_bidi_controls(name))
    plain = UNSAFE_IN_FALLBACK.sub("-", plain)
    plain = re.sub(r"\s+", " ", plain).strip()
    stem, dot, extension = plain.rpartition(".")
    if not dot or not extension.strip(" -"):
        stem, extension = plain, ""
    stem, extension = stem.strip(" .-") or DEFAULT_STEM, extension.strip(" -")
    return f"{stem}.{extension}" if extension else stem


def content_disposition(filename: str, *, fallback: str | None = None, inline: bool = False) -> str:
    """`attachment; filename="<ASCII>"; filename*=UTF-8''<percent-encoded>` for a download named `filename`.

    `fallback`, when given, is a better ASCII name than a transliteration (a city's own Latin name);
    it is cleaned the same way. Bidi controls are left out of both: "x\u202efdp.exe" would show as
    "xexe.pdf"."""
    name = without_bidi_controls(filename)
    ascii_name = ascii_file_name(fallback if fallback is not None else name)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def attachment_disposition(name: str, ascii_name: str) -> str:
    """A download's Content-Disposition: a readable Unicode file name (RFC 6266/5987) and an ASCII fallback."""
    return content_disposition(name, fallback=ascii_name)


def pdf_response(pdf: bytes, name: str, ascii_name: str) -> Response:
    """A PDF download with a readable Unicode file name (RFC 6266/5987) and an ASCII fallback."""
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = attachment_disposition(name, ascii_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    response.cache_control.no_store = True  # a shared computer's browser keeps no copy after sign-out
    return response
