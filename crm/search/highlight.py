"""Marking the searched text in a result."""
import re

from markupsafe import Markup, escape


def highlight(text, q: str | None) -> Markup:
    """The text, escaped, with every occurrence of q (any case, any script) in <mark>."""
    text = "" if text is None else str(text)
    if not q:
        return escape(text)
    pieces = re.split(f"({re.escape(q)})", text, flags=re.IGNORECASE)
    return Markup("").join(Markup("<mark>%s</mark>") % piece if index % 2 else escape(piece)
                           for index, piece in enumerate(pieces))
