"""Reading a spreadsheet a user uploads: CSV in any common encoding and delimiter, or XLSX.

Everything comes back as text: a header row and data rows of equal width.
"""
import csv
import io
import re
from datetime import date, datetime

from crm.forms import clean_text

MAX_ROWS = 100_000
MAX_COLUMNS = 60


class UnreadableFile(ValueError):
    """The file is not a spreadsheet we can read; the message says why in the user's words."""


def read_table(filename: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    """(headers, rows) of the first sheet of an .xlsx or of a CSV file."""
    from flask_babel import gettext as _

    if not data.strip():
        raise UnreadableFile(_("The file is empty."))
    if filename.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        table = _read_xlsx(data)
    else:
        table = _read_csv(data)
    table = [[clean_text(cell).strip() for cell in row[:MAX_COLUMNS]] for row in table]
    table = [row for row in table if any(row)]
    if len(table) < 2:
        raise UnreadableFile(_("The file needs a header row and at least one row of data."))
    if len(table) - 1 > MAX_ROWS:
        raise UnreadableFile(_("The file has more than %(limit)d rows; split it into smaller files.", limit=MAX_ROWS))
    width = max(len(row) for row in table)
    headers = [name or f"#{n + 1}" for n, name in enumerate(table[0] + [""] * (width - len(table[0])))]
    return headers, [row + [""] * (width - len(row)) for row in table[1:]]


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace")  # Excel's "CSV" on Western Windows


def _read_csv(data: bytes) -> list[list[str]]:
    from flask_babel import gettext as _

    text = decode(data)
    if "\x00" in text:
        raise UnreadableFile(_("This does not look like a CSV or XLSX file."))
    try:
        dialect = csv.Sniffer().sniff("\n".join(text[:64_000].splitlines()[:50]), delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as error:
        raise UnreadableFile(_("The CSV file could not be read: %(error)s", error=str(error))) from error


def _read_xlsx(data: bytes) -> list[list[str]]:
    from flask_babel import gettext as _
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001  (openpyxl raises many kinds on a damaged file)
        raise UnreadableFile(_("The XLSX file could not be read.")) from error
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(value) for value in row])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


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
