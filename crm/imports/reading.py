"""Reading a spreadsheet a user uploads: CSV in any common encoding and delimiter, or XLSX.

Everything comes back as text: a header row and data rows of equal width. In a
CSV, the apostrophe the app's exports put before text a spreadsheet would run
as a formula is taken off again (crm.exports.formulas.unguard), so an export
comes back as it was stored.
"""
import csv
import io
import re
import zipfile
from collections import Counter
from datetime import date, datetime

from crm.exports.formulas import unguard
from crm.forms import clean_text
from crm.imports.limits import ReadingBudget, UnreadableFile

__all__ = ["UnreadableFile", "read_table", "decode", "parse_date", "sniff_delimiter"]

MAX_COLUMNS = 60
DELIMITERS = ",;\t|"
SNIFF_LINES, SNIFF_CHARS = 20, 8192  #: the sample the delimiter is guessed from


def read_table(filename: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    """(headers, rows) of the first sheet of an .xlsx or of a CSV file, within the reading limits."""
    from flask_babel import gettext as _

    if not data.strip():
        raise UnreadableFile(_("The file is empty."))
    budget = ReadingBudget.from_config()
    if filename.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        table = _read_xlsx(data, budget)
    else:
        table = _read_csv(data, budget)
    table = [row for row in table if any(row)]
    if len(table) < 2:
        raise UnreadableFile(_("The file needs a header row and at least one row of data."))
    width = max(len(row) for row in table)
    headers = [name or f"#{n + 1}" for n, name in enumerate(table[0] + [""] * (width - len(table[0])))]
    return headers, [row + [""] * (width - len(row)) for row in table[1:]]


def _row(cells) -> list[str]:
    return [clean_text(cell).strip() for cell in list(cells)[:MAX_COLUMNS]]


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace")  # Excel's "CSV" on Western Windows


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the same number of columns (the most lines agreeing,
    then the most columns). Linear in a bounded sample: csv.Sniffer takes minutes on one long line of quotes."""
    sample = text[:SNIFF_CHARS].splitlines(keepends=True)[:SNIFF_LINES]
    if len(text) > SNIFF_CHARS and len(sample) > 1:
        sample = sample[:-1]  # cut short by the sample's end
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(sample, delimiter=delimiter) if row]
        except csv.Error:
            continue
        if widths:
            width, agreeing = Counter(widths).most_common(1)[0]
            if width > 1 and (agreeing, width) > best_score:
                best, best_score = delimiter, (agreeing, width)
    return best


def _read_csv(data: bytes, budget: ReadingBudget) -> list[list[str]]:
    from flask_babel import gettext as _

    text = decode(data)
    if "\x00" in text:
        raise UnreadableFile(_("This does not look like a CSV or XLSX file."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    rows = []
    try:
        for cells in reader:
            row = _row(unguard(cell) for cell in cells)
            budget.take(row, reader.line_num)
            rows.append(row)
    except csv.Error as error:
        raise UnreadableFile(_("The CSV file could not be read: %(error)s", error=str(error))) from error
    return rows


def _read_xlsx(data: bytes, budget: ReadingBudget) -> list[list[str]]:
    from flask_babel import gettext as _
    from openpyxl import load_workbook

    try:
        unpacked = sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(data)).infolist())
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001  (zipfile and openpyxl raise many kinds on a damaged file)
        raise UnreadableFile(_("The XLSX file could not be read.")) from error
    if unpacked > budget.max_unpacked_mb * 1024 * 1024:  # the sizes zipfile will stop reading at
        workbook.close()
        raise UnreadableFile(_("The XLSX file is larger than %(limit)d MB once unpacked; split it into smaller "
                               "files.", limit=budget.max_unpacked_mb))
    rows: list[list[str]] = []
    try:
        for values in workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS):
            row = _row(_cell_text(value) for value in values)
            while row and not row[-1]:  # read-only sheets pad each row to the widest column asked for
                row.pop()
            budget.take(row, len(rows) + 1)
            rows.append(row)
    except UnreadableFile:
        raise
    except ValueError as error:  # openpyxl converts as it reads: a cell whose value its type does not allow
        raise UnreadableFile(_("Row %(row)d of the XLSX file holds a value its cell cannot hold (for example "
                               "text in a number cell); correct it and save the file again.",
                               row=len(rows) + 1)) from error
    except Exception as error:  # noqa: BLE001  (a damaged sheet: broken XML, a missing part)
        raise UnreadableFile(_("The XLSX file is damaged near row %(row)d; open it in your spreadsheet program "
                               "and save it again.", row=len(rows) + 1)) from error
    finally:
        workbook.close()
    return rows


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d", "%d %B %Y", "%B %d, %Y", "%d %b %Y")


def parse_date(text: str) -> date | None:
    """A date as spreadsheets write it; a bare year means 1 January of that year."""
    text = (text or "").strip()
    if not text:
        return None
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        return date(year, 1, 1) if 1000 <= year <= 2100 else None
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text[:30], fmt).date()
        except ValueError:
            continue
        return parsed if 1000 <= parsed.year <= 2100 else None
    return None
