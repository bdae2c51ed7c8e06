"""The one text matcher: every list filter, the search and the city picker compare text through it.

Text is compared folded (fold() below): case set aside in every script that
has it, and accents in Latin, Greek, Cyrillic, Hebrew and Arabic letters —
Москва ~ москва, Kyōto ~ kyoto, Malmö ~ malmo, São ~ Sao, Łódź ~ lodz,
Αθήνα ~ αθηνα, أسوان ~ اسوان — while what is no accent stays (й, CJK, kana
with their voicing marks, Indic vowel signs). Which letters lose their
accents is bounded by the index: see _ACCENTED_LETTERS.

fold() turns one character into one, so the same match can be written for
both databases:
- SQLite: crm_fold(column) LIKE '%folded%', crm_fold being fold() registered
  on each connection (crm/database.py);
- PostgreSQL: column ~ 'regex' on the raw column, each letter of the folded
  text a class of every character that folds to it ([oOóÓöÖøØ…]), and, when
  the text holds a run of three characters nothing else folds to (京都市),
  a LIKE on that run too. The GIN trigram indexes on the raw columns
  (declared with crm/indexes.py) serve both as they served ILIKE; no extension
  (unaccent), no new index.
Both sides agree character for character. Stored text is not normalised
first, so a name stored with separate combining accents (rare: browsers
send composed text) matches only its own spelling.
"""
import functools
import unicodedata

from sqlalchemy import and_, func, literal, or_

#: accents: combining marks of the Latin, Greek and Cyrillic diacritics blocks, Hebrew points, Arabic harakat
_ACCENT_RANGES = ((0x0300, 0x036F), (0x0483, 0x0489), (0x0591, 0x05C7), (0x0610, 0x061A), (0x064B, 0x065F),
                  (0x0670, 0x0670), (0x06D6, 0x06ED), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF),
                  (0xFE20, 0xFE2F))
#: the letters whose accents are set aside: Latin-1 and Latin Extended-A, the Romanian ș ț, Greek,
#: Cyrillic, Armenian, Hebrew, Arabic. PostgreSQL's trigram index serves a character class only while its
#: letters are few and all below U+0800: folding Latin Extended-B and Additional (Vietnamese ơ ộ) or
#: polytonic Greek (ῆ) into o or η would cost every query with an o or an η its index. Other letters have
#: their case set aside only (Ộ ~ ộ), in a class only the queries holding such a letter carry.
_ACCENTED_LETTERS = ((0x00C0, 0x017F), (0x0218, 0x021B), (0x0370, 0x06FF))
#: marks always written as characters of their own (Hebrew points, Arabic harakat, the tatweel that
#: stretches a word): left out of what the user types, kept in the text searched (a pattern allowing
#: them between any two letters would cost the index); stored names seldom carry them
_MARKS_APART = frozenset(chr(code) for code in range(0x0590, 0x0700)
                         if code == 0x0640 or unicodedata.category(chr(code)) == "Mn")
#: letters readers treat as their own, not as an accented и or у
_KEPT = {"й", "Й", "ў", "Ў"}
#: Latin letters whose stroke is no decomposable accent, read as the plain letter
_STROKES = {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŧ": "t"}
_LINE = "\n"


def _is_accent(char: str) -> bool:
    code = ord(char)
    return unicodedata.category(char) == "Mn" and any(low <= code <= high for low, high in _ACCENT_RANGES)


def _accented(code: int) -> bool:
    return any(low <= code <= high for low, high in _ACCENTED_LETTERS)


def _fold_letter(char: str) -> str:
    """A character of _ACCENTED_LETTERS folded: lower case, without its accents."""
    lowered = char.casefold()
    if len(lowered) != 1:  # ß → ss: kept, so that one character stays one
        lowered = char.lower() if len(char.lower()) == 1 else char
    if char in _KEPT or char in _MARKS_APART:
        return lowered
    base = unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", lowered)
                                                if not _is_accent(c)))
    if len(base) != 1:  # a letter that does not decompose into one letter
        return lowered
    if len(base.casefold()) == 1:  # İ: its lower case is i with a dot above, the dot an accent
        base = base.casefold()
    return _STROKES.get(base, base)


def _fold_other(char: str) -> str:
    """Any other character: its lower case, unless that is a letter folded with accents (K, the Kelvin sign)."""
    lowered = char.casefold()
    if len(lowered) != 1 or lowered.isascii() or _accented(ord(lowered)):
        return char
    return lowered


@functools.cache
def _table() -> dict[int, str]:
    """fold() as a str.translate table (the Basic Multilingual Plane; other planes stay as they are)."""
    table = {code: chr(code).lower() for code in range(ord("A"), ord("Z") + 1)}
    for code in range(0x80, 0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        folded = _fold_letter(char) if _accented(code) else _fold_other(char)
        if folded != char:
            table[code] = folded
    return table


def fold(text: str | None) -> str | None:
    """Text as the matcher compares it: lower case, accents removed, one character for one."""
    if not isinstance(text, str):
        return text
    return text.lower() if text.isascii() else text.translate(_table())


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
    return "".join(pieces)


def query_text(text: str) -> str:
    """What the user typed, folded: composed first, so an accent typed apart (e + ́ ) goes too, and
    without Arabic harakat and Hebrew points."""
    return "".join(char for char in fold(unicodedata.normalize("NFC", text)) if char not in _MARKS_APART)


def _on_postgres() -> bool:
    from crm.extensions import db

    return db.session.get_bind().dialect.name == "postgresql"


#: where the text may sit: (SQLite LIKE before, PostgreSQL regex before), and likewise after
_BEFORE = {"anywhere": ("%", ""), "start": ("", "^"), "word": ("% ", " "), "line": (f"%{_LINE}", f"(?:^|{_LINE})")}
_AFTER = {"anywhere": ("%", ""), "end": ("", "$"), "line": (f"{_LINE}%", f"(?:{_LINE}|$)")}


def _plain_run(folded: str) -> str:
    """The longest run of characters that nothing else folds to (東京, digits): a matching text holds it
    as it is, so a LIKE on it lets the trigram index narrow the rows (it cannot read CJK in a regex)."""
    runs = "".join(_LINE if char in _variants() else char for char in folded).split(_LINE)
    return max(runs, key=len)


def _match(column, text: str, before: str, after: str):
    from crm.database import like_escape

    folded = query_text(text)
    if _on_postgres():
        matched = column.regexp_match(_BEFORE[before][1] + _regex(folded) + _AFTER[after][1])
        if len(run := _plain_run(folded)) >= 3:
            return and_(column.like(f"%{like_escape(run)}%", escape="\\"), matched)
        return matched
    value = func.crm_fold(column)
    if "line" in (before, after):
        value = literal(_LINE) + value + literal(_LINE)
    return value.like(_BEFORE[before][0] + like_escape(folded) + _AFTER[after][0], escape="\\")


def _matcher(before: str, after: str, doc: str):
    """A condition on one column or a list of them: one of them matches the text, folded (an OR over them)."""

    def condition(columns, text: str):
        columns = columns if isinstance(columns, (list, tuple)) else [columns]
        return or_(*(_match(column, text, before, after) for column in columns))

    condition.__doc__ = doc
    return condition


contains = _matcher("anywhere", "anywhere", "The condition that one of the columns contains the text, folded.")
starts_with = _matcher("start", "anywhere", "One of the columns starts with the text.")
equals = _matcher("start", "end", "One of the columns is the text.")
word_starts_with = _matcher("word", "anywhere", "A word after the first (after a space) starts with the text.")
line_equals = _matcher("line", "line", "For columns holding one name a line: one line is the text.")
line_starts_with = _matcher("line", "anywhere", "For columns holding one name a line: one line starts with the text.")
