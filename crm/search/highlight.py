"""Marking the searched text in a result."""
from markupsafe import Markup, escape

from crm.matching import fold, query_text


def highlight(text, q: str | None) -> Markup:
    """The text, escaped, with every occurrence of q (any case, any accent, any script) in <mark>.

    The match is found in the folded text, then marked in the text itself: fold() turns each character
    into one or none (an Arabic or Hebrew mark), so each folded character points back to its own."""
    text = "" if text is None else str(text)
    needle = query_text(q) if q else ""
    if not needle:
        return escape(text)
    folded, origin = [], []
    for index, char in enumerate(text):
        if folded_char := fold(char):
            folded.append(folded_char)
            origin.append(index)
    folded = "".join(folded)
    pieces, shown, start = [], 0, folded.find(needle)
    while start != -1:
        end = start + len(needle)
        first = origin[start]
        last = origin[end] if end < len(origin) else len(text)  # the marks after the match stay with it
        pieces += [escape(text[shown:first]), Markup("<mark>%s</mark>") % text[first:last]]
        shown, start = last, folded.find(needle, end)
    pieces.append(escape(text[shown:]))
    return Markup("").join(pieces)
