"""Which text a spreadsheet would run as a formula, how an export keeps it from running, and how an import
undoes that.

Excel, LibreOffice and Google Sheets read a cell that starts with = + - @ (or a
tab or carriage return) as a formula, so a partner-typed title could reach into
the reader's machine ("CSV injection", OWASP). What makes a formula harmful is
a function call (HYPERLINK, WEBSERVICE), a reference or a DDE link: each needs
a letter or a sign such as ( | ! @. A value made only of a leading + or -,
digits, spaces and the signs . , - / ( ) has none of them: it is a phone number
(+81 75-222-3072, +44 (0)20 7946 0000) or an amount (-12.50), at most arithmetic
on numbers. The rule:

- text starting with = @ TAB or CR is dangerous;
- text starting with + or - is dangerous unless it is a number or a phone
  number as above;
- a leading apostrophe is the guard itself, so text that already starts with
  one is guarded too (the import would otherwise take it for a guard).

In CSV a dangerous value gets an apostrophe in front (Excel shows the text
without it), and so does a dangerous piece after a list separator Excel may
split on when it ignores quotes (`x;=cmd` → `x;'=cmd` in a German, French or
Spanish Excel). Phone numbers and amounts are written as they are. In XLSX
nothing is added: text is a text cell, never evaluated when the file opens, and
text starting with a formula sign carries the quote prefix style too, so
editing the cell in Excel keeps it text.

The importer reads the app's own CSV back with unguard(): one apostrophe before
a formula sign (or before another apostrophe) is taken off, so an export comes
back as it was stored, including the files of earlier versions that guarded
every + and -.
"""
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ALWAYS = ("=", "@", "\t", "\r")
#: a number or a phone number: a sign, then only digits, spaces and . , - / ( ), with at least one digit
_NUMBER_OR_PHONE = re.compile(r"[+-][0-9 .,/()\-]*[0-9][0-9 .,/()\-]*")
#: a list separator Excel may split a cell on, the spaces or quotes after it, then the piece up to the next one
_PIECE = re.compile(r'([,;|\t\r\n][\s"]*)([^,;|\t\r\n]*)')


def dangerous(text: str) -> bool:
    """Whether a spreadsheet would read the text as a formula that can do more than arithmetic on numbers."""
    if text.startswith(_ALWAYS):
        return True
    return text.startswith(("+", "-")) and not _NUMBER_OR_PHONE.fullmatch(text)


def _looks_guarded(text: str) -> bool:
    """An apostrophe before a formula sign or another apostrophe: the guard (earlier versions of the app put
    one before every + and -, phone numbers too; those files read back as stored as well)."""
    return text.startswith("'") and text[1:2] in (*FORMULA_STARTS, "'")


def guard(text: str) -> str:
    """Text for a CSV cell that no spreadsheet runs as a formula, and that unguard() gives back unchanged."""
    text = _PIECE.sub(lambda m: m.group(1) + ("'" if dangerous(m.group(2)) or _looks_guarded(m.group(2))
                                              else "") + m.group(2), text)
    return "'" + text if dangerous(text) or text.startswith("'") else text


def unguard(text: str) -> str:
    """The text as it was before guard(): the app's own CSV export read back."""
    if _looks_guarded(text):
        text = text[1:]
    if "'" not in text:
        return text
    return _PIECE.sub(lambda m: m.group(1) + (m.group(2)[1:] if _looks_guarded(m.group(2)) else m.group(2)), text)


def quote_prefixed(text: str) -> bool:
    """Whether an XLSX text cell needs the quote prefix: Excel would read it as a formula or number once edited."""
    return text.startswith(FORMULA_STARTS)
