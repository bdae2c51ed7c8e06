"""An agreement text's structure: its numbered articles with their headings, and its paragraphs with their
line breaks, so that a printed text looks like an instrument ("Article 1. Purpose" as a heading, not run
into the body) and two languages side by side can be paired article by article.

A text is typed as plain text: paragraphs separated by a blank line, an article starting with its label
("Article 1", "Artikel 1", "Статья 1", "第1条", "제1조", "المادة 1", "1. cikk", or a bare "1." in a text
that uses no labels), and the heading's title on the same line or the next.
"""
import re
from dataclasses import dataclass, field
from itertools import zip_longest

#: words that stand before an article's number, in the languages agreements are written in
LABELS_BEFORE = (
    "article", "art.", "artikel", "artikkel", "artículo", "articulo", "artigo", "articolo", "articolul",
    "artykuł", "článek", "článok", "člen", "članak", "član", "čl.", "artikulo", "pasal", "perkara", "điều",
    "kifungu", "ibara ya", "ibara", "madde", "neni", "статья", "стаття", "артыкул", "член", "члан", "άρθρο",
    "მუხლი", "հոդված", "סעיף", "المادة", "مادة", "البند", "ماده", "دفعہ", "آرٹیکل",
    "अनुच्छेद", "धारा", "कलम", "অনুচ্ছেদ", "ধারা", "பிரிவு", "ข้อ", "มาตรา", "አንቀጽ", "§",
)
#: words that follow the number ("1. cikk", "1 artikla", "1-бап")
LABELS_AFTER = ("cikk", "artikla", "straipsnis", "pants", "бап", "modda", "člen", "článek", "зүйл")
ARABIC_ORDINALS = ("الأولى", "الثانية", "الثالثة", "الرابعة", "الخامسة", "السادسة", "السابعة", "الثامنة",
                   "التاسعة", "العاشرة")
ONE = ("premier", "1er", "primero", "primeiro", "primo", "erster")
CJK_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}

_words = "|".join(re.escape(word) for word in sorted(LABELS_BEFORE, key=len, reverse=True))
_after = "|".join(re.escape(word) for word in LABELS_AFTER)
NUMBER = r"\d+(?:\.?º|°|er|\.)?|[IVXLC]+\b|" + "|".join(ARABIC_ORDINALS + ONE)
LABELLED = re.compile(
    rf"^(?P<label>(?:{_words})\s*\(?(?P<n1>{NUMBER})\)?"
    rf"|(?P<n2>\d+)\.?[\s-]?(?:{_after})\b"
    rf"|第\s*(?P<n3>[\d〇零一二两三四五六七八九十百]+)\s*[条條]"
    rf"|제\s*(?P<n4>\d+)\s*조)",
    re.IGNORECASE)
BARE = re.compile(r"^(?P<label>(?P<n1>\d+|[IVXLC]+)[.)])(?=\s|$)")
#: what may stand between a label and its title: "Article 1. Purpose", "Article 1 – Purpose", "第1条（目的）"
SEPARATOR = re.compile(r"^[\s.:：\-–—)]*")
SENTENCE_END = tuple(".。!?！？;；:：,，、")
TITLE_MAX = 60


@dataclass(frozen=True)
class Heading:
    label: str  #: "Article 1", "第1条"
    title: str  #: "Purpose", or "" for an article without a title
    number: int | None  #: its number (1 for "Article I" or "第一条"), by which two languages are paired


@dataclass(frozen=True)
class Paragraph:
    lines: tuple[str, ...]  #: a paragraph keeps the line breaks it was typed with


@dataclass
class Section:
    """The preamble (no heading) or one article, with its paragraphs."""
    heading: Heading | None
    paragraphs: list[Paragraph] = field(default_factory=list)


def parse(text: str) -> list[Section]:
    """A text's sections: the preamble (when the text has one), then one per article."""
    blocks = [[line.rstrip() for line in block.strip("\n").split("\n")]
              for block in re.split(r"\n[ \t\u3000]*\n", (text or "").replace("\r\n", "\n").replace("\r", "\n"))]
    blocks = [[line for line in block if line.strip()] for block in blocks]
    blocks = [block for block in blocks if block]
    labelled = any(LABELLED.match(line.strip()) for block in blocks for line in block[:1])
    sections = [Section(None)]
    for block in blocks:
        found = _heading(block, LABELLED if labelled else BARE)
        if found is None:
            sections[-1].paragraphs.append(Paragraph(tuple(block)))
            continue
        heading, rest = found
        sections.append(Section(heading))
        if rest:
            sections[-1].paragraphs.append(Paragraph(tuple(rest)))
    return sections if sections[0].paragraphs else sections[1:]


def _heading(block: list[str], pattern: re.Pattern) -> tuple[Heading, list[str]] | None:
    """The heading a block starts with, and the lines of the block after it; None for a plain paragraph."""
    first = block[0].strip()
    match = pattern.match(first)
    if match is None:
        return None
    number = next((match.group(name) for name in ("n1", "n2", "n3", "n4") if name in match.groupdict()
                   and match.group(name)), None)
    rest_of_line = first[match.end():]
    remainder = SEPARATOR.sub("", rest_of_line).strip()
    lines = block[1:]
    if pattern is BARE and remainder and not _is_title(remainder):
        return None  # "1. The cities agree…": a numbered paragraph, not an article
    if remainder and _is_title(remainder):
        title = _unbracket(remainder)
    elif remainder:
        title, lines = "", [remainder.lstrip("　 ")] + lines
    elif lines and _is_title(lines[0].strip()):
        title, lines = _unbracket(lines[0].strip()), lines[1:]
    else:
        title = ""
    label = match.group("label").strip()
    if pattern is LABELLED:
        label = label.rstrip(".:")  # "Article 1." → "Article 1": the heading sets the label on a line of its own
    return Heading(label, title, _number(number)), lines


def _is_title(text: str) -> bool:
    if text[:1] in "(（[" and text[-1:] in ")）]":
        return True
    return len(text) <= TITLE_MAX and not text.endswith(SENTENCE_END)


def _unbracket(text: str) -> str:
    return text[1:-1].strip() if text[:1] in "(（[" and text[-1:] in ")）]" else text


def _number(raw: str | None) -> int | None:
    """1 for "1", "1.º", "١", "๑", "I", "一", "الأولى", "premier"; 12 for "十二"; None when unreadable."""
    if not raw:
        return None
    raw = raw.strip().rstrip(".º°").removesuffix("er") or raw
    digits = "".join(ch for ch in raw if ch.isdecimal())
    if digits and digits == raw:
        return int(digits)  # int() reads every script's decimal digits: ١٢, १२, ๑๒
    if raw.lower() in ONE or raw.lower() == "1er":
        return 1
    if raw in ARABIC_ORDINALS:
        return ARABIC_ORDINALS.index(raw) + 1
    if all(ch in ROMAN for ch in raw.upper()):
        values = [ROMAN[ch] for ch in raw.upper()]
        return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    if all(ch in CJK_DIGITS or ch in "十百" for ch in raw):
        return _cjk_number(raw)
    return None


def _cjk_number(raw: str) -> int:
    """一二 → 12 (digit by digit), 十二 → 12, 二十一 → 21, 百五 → 105."""
    if not any(ch in "十百" for ch in raw):
        value = 0
        for ch in raw:
            value = value * 10 + CJK_DIGITS[ch]
        return value
    total, digit = 0, 0
    for ch in raw:
        if ch in CJK_DIGITS:
            digit = CJK_DIGITS[ch]
        else:
            total += (digit or 1) * (10 if ch == "十" else 100)
            digit = 0
    return total + digit


@dataclass
class Row:
    """One row of two texts side by side: two headings, or two paragraphs (either may be None: padding)."""
    kind: str  #: "heading" or "paragraph"
    left: Heading | Paragraph | None
    right: Heading | Paragraph | None


def side_by_side(left: list[Section], right: list[Section]) -> list[Row]:
    """Rows pairing two texts by their structure: the preambles together, then each article with the article
    of the same number (else of the same place among the articles); within an article, paragraphs in order,
    the shorter side padded, so that a paragraph more on one side never shifts the articles after it."""
    rows = []
    for a, b in _pair_sections(left, right):
        if (a and a.heading) or (b and b.heading):
            rows.append(Row("heading", a.heading if a else None, b.heading if b else None))
        for p, q in zip_longest(a.paragraphs if a else [], b.paragraphs if b else []):
            rows.append(Row("paragraph", p, q))
    return rows


def _key(section: Section, index: int) -> object:
    if section.heading is None:
        return "preamble"
    return section.heading.number if section.heading.number is not None else ("article", index)


def _pair_sections(left: list[Section], right: list[Section]) -> list[tuple[Section | None, Section | None]]:
    """An ordered merge by key: matching keys side by side, a key only one text has on a row of its own."""
    lkeys = [_key(s, i) for i, s in enumerate(left)]
    rkeys = [_key(s, i) for i, s in enumerate(right)]
    if len(set(lkeys)) < len(lkeys) or len(set(rkeys)) < len(rkeys):  # numbers repeat: pair by place
        lkeys, rkeys = list(range(len(left))), list(range(len(right)))
    pairs, i, j = [], 0, 0
    while i < len(left) or j < len(right):
        if i < len(left) and j < len(right) and lkeys[i] == rkeys[j]:
            pairs.append((left[i], right[j]))
            i, j = i + 1, j + 1
        elif j < len(right) and (i >= len(left) or rkeys[j] not in lkeys[i:]):
            pairs.append((None, right[j]))
            j += 1
        else:
            pairs.append((left[i], None))
            i += 1
    return pairs
