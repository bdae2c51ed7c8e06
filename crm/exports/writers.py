"""Rows and column definitions in, a CSV or XLSX download out.

A column is a header (a lazy_gettext string, translated when the file is
written, so in the reader's language) and a function from a row to its
value. Values keep their type until the writer decides: enums become their
translated labels, booleans Yes/No, dates ISO 8601 in CSV and date cells in
XLSX, money a number with its currency.

Text a spreadsheet would run as a formula is kept from running (the rule is in
crm.exports.formulas): in CSV with an apostrophe the importer takes off again,
in XLSX as a text cell with the quote prefix. Phone numbers and amounts are
written as they are.

A CSV is separated by commas, or by semicolons where the reader's language
writes decimals with a comma (German, French, Spanish): that is what Excel
expects there, and its amounts then take a decimal comma too (12,50).
`?sep=comma` or `?sep=semicolon` chooses.
Bidi controls (crm.bidi) are left out of every text cell and of the file name.
"""
import csv
import enum
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from babel.numbers import get_currency_precision, get_decimal_symbol
from flask import Response, has_request_context, request, stream_with_context, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from crm.bidi import without_bidi_controls
from crm.clock import office_today
from crm.downloads import content_disposition
from crm.exports.formulas import FORMULA_STARTS, guard, quote_prefixed
from crm.extensions import db
from crm.money import from_minor

FORMATS = ("csv", "xlsx")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
__all__ = ["FORMULA_STARTS", "Column", "csv_text", "csv_chunks", "xlsx_bytes", "export_response"]
SEPARATORS = {"comma": ",", "semicolon": ";"}
XLSX_MAX_TEXT = 32_767  # characters Excel keeps in one cell
CSV_CHUNK_ROWS = 500


@dataclass(frozen=True)
class Column:
    header: Any  #: a lazy_gettext string
    value: Callable[[Any], Any]
    width: int = 18  #: in characters, for XLSX


@dataclass(frozen=True)
class Money:
    minor: int
    currency: str

    @property
    def amount(self) -> Decimal:
        return from_minor(self.minor, self.currency)


def money(minor: int | None, currency: str | None) -> Money | None:
    return Money(minor, currency) if minor is not None and currency else None


def plain(value, memo: dict | None = None):
    """A value as the file holds it: labels translated, lists joined; dates, numbers and money kept.

    memo keeps each label's translation for the rest of the file: a long
    export repeats the same few labels, and each lookup costs a trip through Babel."""
    if isinstance(value, enum.Enum) and hasattr(type(value), "label"):  # before str: these enums are strings too
        return _remembered(memo, (type(value), value), lambda: str(value.label))
    if isinstance(value, bool):
        return _remembered(memo, (bool, value), lambda: _("Yes") if value else _("No"))
    if value is None or isinstance(value, (str, int, float, Decimal, date, Money)):
        return value
    if isinstance(value, (list, tuple)):
        return ", ".join(str(plain(item, memo)) for item in value if item is not None)
    if isinstance(value, LazyString) and not value._kwargs:
        return _remembered(memo, (LazyString, value._func, value._args), lambda: str(value))
    return str(value)


def _remembered(memo: dict | None, key, translate):
    if memo is None:
        return translate()
    if key not in memo:
        memo[key] = translate()
    return memo[key]


# -- CSV ---------------------------------------------------------------------------------------------------

def csv_text(value, memo: dict | None = None, decimal: str = ".") -> str:
    """A cell's text; `decimal` is the decimal sign of the reader's Excel ("," beside a ";" separator)."""
    value = plain(value, memo)
    if value is None:
        return ""
    if isinstance(value, Money):
        return str(value.amount).replace(".", decimal)
    if isinstance(value, (float, Decimal)):
        return str(value).replace(".", decimal)
    if isinstance(value, datetime):
        return _utc(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return guard(without_bidi_controls(value))
    return str(value)


def csv_separator() -> str:
    """The reader's choice (?sep=), else what Excel expects in their language: ";" where decimals take a comma."""
    chosen = SEPARATORS.get(request.args.get("sep", "")) if has_request_context() else None
    if chosen:
        return chosen
    return ";" if get_decimal_symbol(get_locale() or "en") == "," else ","


def csv_chunks(columns: list[Column], rows: Iterable, separator: str = ",") -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (so Excel reads it as UTF-8), CRLF rows, RFC 4180 quoting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([csv_text(str(column.header)) for column in columns])
    memo: dict = {}
    decimal = "," if separator == ";" else "."  # Excel splits on ";" where decimals take a comma
    for number, row in enumerate(rows, 1):
        writer.writerow([csv_text(column.value(row), memo, decimal) for column in columns])
        if number % CSV_CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


# -- XLSX --------------------------------------------------------------------------------------------------

def sheet_title(title: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip("' ")
    return cleaned[:31] or "Sheet"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment


def xlsx_cell(sheet, value, memo: dict | None = None):
    """A cell's value, or a cell where the value needs a type or format of its own."""
    value = plain(value, memo)
    if isinstance(value, str):
        value = without_bidi_controls(ILLEGAL_CHARACTERS_RE.sub("", value))[:XLSX_MAX_TEXT]
        if quote_prefixed(value) or value in ERROR_CODES:
            # openpyxl would store these as a formula or an error value, and Excel would read them as one
            # once the cell is edited: a text cell with the quote prefix stays text, as typed
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type, cell.quotePrefix = "s", True
            return cell
        return value
    if isinstance(value, Money):
        cell = WriteOnlyCell(sheet, value=value.amount)
        decimals = get_currency_precision(value.currency)
        cell.number_format = f'#,##0{"." + "0" * decimals if decimals else ""} "{value.currency}"'
        return cell
    if isinstance(value, datetime):
        return _utc(value).replace(tzinfo=None)  # Excel has no time zones; UTC, as in the CSV
    return value  # numbers as numbers; dates get openpyxl's yyyy-mm-dd date format


def xlsx_bytes(columns: list[Column], rows: Iterable, title: str) -> bytes:
    """A workbook of one sheet: bold, frozen header row, typed cells, column widths."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title))
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(column.header)))
        cell.data_type, cell.font = "s", bold
        header.append(cell)
    sheet.append(header)
    count, memo = 0, {}
    for row in rows:
        sheet.append([xlsx_cell(sheet, column.value(row), memo) for column in columns])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def stream(query) -> Iterator:
    """A list query's rows, read a thousand at a time so a long export never holds every row at once.

    Run only when first iterated: a streamed CSV is written after the view has
    returned and its session has been closed, in a fresh one."""
    yield from db.session.scalars(query.execution_options(yield_per=1000))


# -- Responses ---------------------------------------------------------------------------------------------

def file_name(title: str, slug: str, fmt: str, day: date) -> tuple[str, str]:
    """("misiones-comerciales-2026-11-25.csv", "missions-2026-11-25.csv"): the reader's, and an ASCII fallback."""
    readable = "-".join(title.lower().replace("/", " ").replace("\\", " ").split()) or slug
    return f"{readable}-{day.isoformat()}.{fmt}", f"{slug}-{day.isoformat()}.{fmt}"


def export_response(fmt: str, columns: list[Column], rows: Iterable, *, title, slug: str) -> Response:
    """The download: CSV streamed as the rows are read, XLSX built and then sent."""
    title = str(title)
    name, ascii_name = file_name(title, slug, fmt, office_today())
    if fmt == "xlsx":
        response = Response(xlsx_bytes(columns, rows, title), mimetype=XLSX_MIMETYPE)
    else:
        response = Response(stream_with_context(csv_chunks(columns, rows, csv_separator())), mimetype="text/csv")
        response.charset = "utf-8"
    response.headers["Content-Disposition"] = content_disposition(name, fallback=ascii_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


def export_url(endpoint: str, fmt: str) -> str:
    """For templates: the export of the list on screen, with its filters (every page, so no page number)."""
    args = {key: values for key, values in request.args.lists() if key not in ("page", "fmt")}
    return url_for(endpoint, fmt=fmt, **args)
