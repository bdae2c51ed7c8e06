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
