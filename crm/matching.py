"""The one text matcher: every list filter, the search and the city picker compare text through it.

Text is compared folded (fold() below): case and accents set aside in every
script — Москва ~ москва, Kyōto ~ kyoto, Malmö ~ malmo, São ~ Sao, Ἀθῆναι ~
αθηναι, أسوان ~ اسوان — while letters that are not accented forms (й, CJK,
kana with their voicing marks, Indic vowel signs) stay as they are.

fold() turns one character into one (or, for the Arabic and Hebrew marks
written as characters of their own, into none), so the same match can be
written for both databases:
- SQLite: crm_fold(column) LIKE '%folded%', crm_fold being fold() registered
  on each connection (crm/database.py);
- PostgreSQL: column ~ 'regex' on the raw column, each letter of the folded
  text a class of every character that folds to it ([oOóÓöÖøØ…]), an Arabic
  or Hebrew letter followed by any of its script's marks. The GIN trigram
  indexes on the raw columns (crm/search/indexes.py) serve this regular
  expression as they served ILIKE, and no extension (unaccent) is needed.
Both sides agree character for character; text is not Unicode-normalised
first, so a name stored with separate combining accents (rare: browsers
send composed text) matches only its own spelling.
"""
import functools
import unicodedata

from sqlalchemy import func, literal, or_

#: accents: combining marks of the Latin, Greek and Cyrillic diacritics blocks, Hebrew points, Arabic harakat
_ACCENT_RANGES = ((0x0300, 0x036F), (0x0483, 0x0489), (0x0591, 0x05C7), (0x0610, 0x061A), (0x064B, 0x065F),
                  (0x0670, 0x0670), (0x06D6, 0x06ED), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF),
                  (0xFE20, 0xFE2F))
#: marks always written as characters of their own (Hebrew points, Arabic harakat, the tatweel that
#: stretches a word): they fold to nothing, and on PostgreSQL any of them may follow a letter of their script
_SCRIPTS_WRITTEN_WITH_MARKS = ((0x0590, 0x05FF), (0x0600, 0x06FF))
#: letters readers treat as their own, not as an accented и or у
_KEPT = {"й", "Й", "ў", "Ў"}
#: Latin letters whose stroke is no decomposable accent, read as the plain letter
_STROKES = {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŧ": "t", "ƀ": "b", "ɨ": "i"}
_LINE = "\n"


def _is_accent(char: str) -> bool:
    code = ord(char)
    return unicodedata.category(char) == "Mn" and any(low <= code <= high for low, high in _ACCENT_RANGES)


@functools.cache
def _marks_apart(script: int) -> str:
    low, high = _SCRIPTS_WRITTEN_WITH_MARKS[script]
    return "".join(chr(code) for code in range(low, high + 1) if _is_accent(chr(code)) or code == 0x0640)


def _script_with_marks(char: str) -> int | None:
    return next((index for index, (low, high) in enumerate(_SCRIPTS_WRITTEN_WITH_MARKS)
                 if low <= ord(char) <= high), None)


def _fold_char(char: str) -> str:
    if (script := _script_with_marks(char)) is not None and char in _marks_apart(script):
        return ""
    lowered = char.casefold()
    if len(lowered) != 1:  # ß → ss, ﬁ → fi: kept, so that one character stays one
        lowered = char.lower() if len(char.lower()) == 1 else char
    if char in _KEPT:
        return lowered
    base = "".join(c for c in unicodedata.normalize("NFD", lowered) if not _is_accent(c))
    base = unicodedata.normalize("NFC", base)
    if len(base) != 1:  # a lone accent, or a letter that does not decompose into one letter
        return lowered
    if len(base.casefold()) == 1:  # İ: its lower case is i with a dot above, the dot an accent
        base = base.casefold()
    return _STROKES.get(base, base)


@functools.cache
def _table() -> dict[int, str]:
    """fold() as a str.translate table over the Basic Multilingual Plane (other planes are left as they are)."""
    table = {}
    for code in range(0x10000):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF or (char.casefold() == char and not unicodedata.decomposition(char)
                                         and char not in _STROKES and _script_with_marks(char) is None):
            continue
        folded = _fold_char(char)
        if folded != char:
            table[code] = folded
    return table


def fold(text: str | None) -> str | None:
    """Text as the matcher compares it: lower case, accents removed; each character gives one or,
    for the marks written apart (Arabic harakat, Hebrew points), none."""
    return text.translate(_table()) if isinstance(text, str) else text


@functools.cache
def _variants() -> dict[str, str]:
    """For each folded character, every character that folds to it (itself included), as one string."""
    variants: dict[str, set[str]] = {}
    for code, folded in _table().items():
        variants.setdefault(folded, {folded}).add(chr(code))
    return {folded: "".join(sorted(chars)) for folded, chars in variants.items()}


def _regex_char(char: str) -> str:
    return char if char.isalnum() or char == " " else "\\" + char


def _regex(folded: str) -> str:
    """A PostgreSQL regular expression matching any text that folds to `folded`."""
    pieces = []
    for char in folded:
        chars = _variants().get(char)
        pieces.append(f"[{''.join(_regex_char(c) for c in chars)}]" if chars else _regex_char(char))
        if (script := _script_with_marks(char)) is not None:
            pieces.append(f"[{_marks_apart(script)}]*")
    return "".join(pieces)


def query_text(text: str) -> str:
    """What the user typed, folded; composed first, so an accent typed apart (e + ́ ) is dropped too."""
    return fold(unicodedata.normalize("NFC", text))


def _on_postgres() -> bool:
    from crm.extensions import db

    return db.session.get_bind().dialect.name == "postgresql"


#: where the text may sit: (SQLite LIKE before, PostgreSQL regex before), and likewise after
_BEFORE = {"anywhere": ("%", ""), "start": ("", "^"), "word": ("% ", " "), "line": (f"%{_LINE}", f"(?:^|{_LINE})")}
_AFTER = {"anywhere": ("%", ""), "end": ("", "$"), "line": (f"{_LINE}%", f"(?:{_LINE}|$)")}


def _match(column, text: str, before: str, after: str):
    folded = query_text(text)
    if _on_postgres():
        return column.regexp_match(_BEFORE[before][1] + _regex(folded) + _AFTER[after][1])
    from crm.database import like_escape

    value = func.crm_fold(column)
    if "line" in (before, after):
        value = literal(_LINE) + value + literal(_LINE)
    return value.like(_BEFORE[before][0] + like_escape(folded) + _AFTER[after][0], escape="\\")


def _columns(columns):
    return columns if isinstance(columns, (list, tuple)) else [columns]


def contains(columns, text: str):
    """The condition that one of the columns contains the text, folded (an OR over the columns)."""
    return or_(*(_match(column, text, "anywhere", "anywhere") for column in _columns(columns)))


def starts_with(columns, text: str):
    return or_(*(_match(column, text, "start", "anywhere") for column in _columns(columns)))


def equals(columns, text: str):
    return or_(*(_match(column, text, "start", "end") for column in _columns(columns)))


def word_starts_with(columns, text: str):
    """A word after the first (after a space) starts with the text."""
    return or_(*(_match(column, text, "word", "anywhere") for column in _columns(columns)))


def line_equals(columns, text: str):
    """For columns holding one name a line: one line is the text."""
    return or_(*(_match(column, text, "line", "line") for column in _columns(columns)))


def line_starts_with(columns, text: str):
    return or_(*(_match(column, text, "line", "anywhere") for column in _columns(columns)))
