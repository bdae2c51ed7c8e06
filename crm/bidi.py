"""Unicode's bidi controls, which no one means in a file name or a spreadsheet cell.

"invoice" + U+202E (right-to-left override) + "fdp.exe" shows as "invoiceexe.pdf": a name or a cell can
pretend to be something else. These are every character with the Bidi_Control property: the marks (ALM,
LRM, RLM), embeddings and overrides, and isolates. Joiners (ZWJ, ZWNJ) are not among them: Arabic and
Persian text needs those.
"""
import re

BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def without_bidi_controls(text: str) -> str:
    return BIDI_CONTROLS.sub("", text)


def text_direction(text: str | None) -> str:
    """'rtl' or 'ltr' by the text's first strong character (Unicode's rule P2), for typed text printed where
    the page's direction may differ: WeasyPrint has no dir="auto", so an English sentence in an Arabic
    document would otherwise lose its full stop to the wrong end of the line."""
    import unicodedata

    for character in text or "":
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"
