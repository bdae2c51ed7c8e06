"""Which font set each character of a PDF (pdfminer.six), and which script a character belongs to: for tests
that check every glyph of a document comes from a font made for its script.

    for glyph in glyphs(pdf_bytes):
        glyph.text, glyph.font, glyph.page   # "ب", "NotoSansArabic-Regular", 1

A glyph's text comes from the font's ToUnicode map: a ligature or a conjunct may stand for several characters,
each of them is set in that glyph's font. Spaces that pdfminer infers between words are not glyphs and are left
out; spaces the PDF really draws are kept.
"""
import io
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTContainer


@dataclass(frozen=True)
class Glyph:
    text: str  #: the characters the glyph stands for
    font: str  #: the embedded font's name: "UNUIUP+Noto-Sans-Arabic-Bold"
    page: int  #: 1-based

    @property
    def family(self) -> str:
        return family(self.font)


def family(font: str) -> str:
    """ "ABCDEF+Noto-Sans-CJK-SC-Bold" → "Noto Sans CJK SC": WeasyPrint names an embedded font by its family with
    hyphens for spaces and its style after; the subset tag and the style are dropped."""
    words = font.split("+", 1)[-1].split("-")
    while len(words) > 1 and words[-1] in _STYLES:
        words.pop()
    return " ".join(words)


_STYLES = {"Regular", "Bold", "Italic", "Oblique", "Light", "Medium", "SemiBold", "ExtraBold", "Black", "Thin",
           "DemiLight", "ExtraLight", "Condensed", "BoldItalic"}


def glyphs(pdf: bytes, pages: Iterable[int] | None = None) -> list[Glyph]:
    """Every glyph drawn on the pages (1-based numbers; all pages when None), in content order."""
    wanted = None if pages is None else {number - 1 for number in pages}
    found = []
    for index, layout in enumerate(extract_pages(io.BytesIO(pdf), page_numbers=wanted, laparams=LAParams())):
        number = (sorted(wanted)[index] if wanted is not None else index) + 1
        found.extend(Glyph(item.get_text(), item.fontname, number) for item in _chars(layout))
    return found


def _chars(item) -> Iterator[LTChar]:
    if isinstance(item, LTChar):
        yield item
    elif isinstance(item, LTContainer):
        for child in item:
            yield from _chars(child)


def fonts_by_character(pdf: bytes, pages: Iterable[int] | None = None) -> dict[str, set[str]]:
    """Each character drawn → the font families that drew it."""
    fonts: dict[str, set[str]] = defaultdict(set)
    for glyph in glyphs(pdf, pages):
        for char in glyph.text:
            fonts[char].add(glyph.family)
    return dict(fonts)


def text_in(pdf: bytes, font_family: str) -> str:
    """The characters one font family drew, in content order (for failure messages and spot checks)."""
    return "".join(glyph.text for glyph in glyphs(pdf) if glyph.family == font_family)


def families_of(found: list[Glyph], text: str) -> set[str]:
    """The font families of the glyphs spelling `text` wherever it is drawn, in content order or (a right-to-left
    line, drawn left to right) reversed; empty when it is not drawn."""
    chars, owner = [], []
    for index, glyph in enumerate(found):
        chars.extend(glyph.text)
        owner.extend([index] * len(glyph.text))
    drawn = "".join(chars)
    families = set()
    for needle in {text, text[::-1]}:
        start = drawn.find(needle)
        while start != -1:
            families.update(found[owner[i]].family for i in range(start, start + len(needle)))
            start = drawn.find(needle, start + 1)
    return families


#: Unicode character-name prefixes → script, for the scripts the app prints; CJK punctuation and kana count as
#: Han-area text, set by the CJK font of the text's language
_SCRIPTS = (
    ("CJK", "Han"), ("HIRAGANA", "Han"), ("KATAKANA", "Han"), ("IDEOGRAPHIC", "Han"), ("FULLWIDTH", "Han"),
    ("HALFWIDTH", "Han"), ("HANGUL", "Hangul"), ("ARABIC", "Arabic"), ("HEBREW", "Hebrew"),
    ("GEORGIAN", "Georgian"), ("ARMENIAN", "Armenian"), ("DEVANAGARI", "Devanagari"), ("BENGALI", "Bengali"),
    ("TAMIL", "Tamil"), ("THAI", "Thai"), ("ETHIOPIC", "Ethiopic"), ("GREEK", "Greek"), ("CYRILLIC", "Cyrillic"),
    ("LATIN", "Latin"), ("DIGIT", "Common"), ("KHMER", "Khmer"), ("LAO", "Lao"), ("MYANMAR", "Myanmar"),
    ("SINHALA", "Sinhala"),
)


def script_of(char: str) -> str:
    """ "ب" → "Arabic", "漢" → "Han", "→" → "Symbol", "," → "Common"."""
    name = unicodedata.name(char, "")
    for prefix, script in _SCRIPTS:
        if name.startswith(prefix):
            return script
    return "Symbol" if unicodedata.category(char) in ("Sm", "So") else "Common"
