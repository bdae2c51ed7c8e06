"""Small hostile spreadsheets are read quickly or refused with a clear message, never a crash or a 500."""
import io
import time
import zipfile

import pytest
from openpyxl import Workbook

from crm.imports.reading import UnreadableFile, read_table, sniff_delimiter

SIZE = 64 * 1024


def normal_csv() -> bytes:
    line = b"Kyoto,Japan,1959,Port city with a long shared history\n"
    return (b"Partner city,Country,Established,Notes\n" + line * (SIZE // len(line)))[:SIZE]


def read_seconds(data: bytes) -> float:
    started = time.perf_counter()
    try:
        read_table("upload.csv", data)
    except UnreadableFile:
        pass
    return time.perf_counter() - started


@pytest.mark.parametrize("pattern", ['",', '";"', ',"', '"\t'])
def test_a_hostile_csv_reads_about_as_fast_as_a_normal_file_of_its_size(app_ctx, pattern):
    """One 64 KB line of quotes and delimiters: csv.Sniffer alone took about a minute on it."""
    hostile = b"a,b\n" + (pattern.encode() * SIZE)[:SIZE - 4]
    normal = min(read_seconds(normal_csv()) for _ in range(3))
    hostile_times = []
    for _ in range(3):
        hostile_times.append(read_seconds(hostile))
        if hostile_times[-1] > 100 * normal:  # clearly failing: no need to wait for more runs
            break
    assert min(hostile_times) <= 5 * normal, (min(hostile_times), normal)


def test_the_delimiter_is_still_found_in_ordinary_files():
    assert sniff_delimiter("Stadt;Land;Breite\nMalmö;Schweden;55,6\nKyoto;Japan;35,0\n") == ";"
    assert sniff_delimiter("city\tcountry\nKyoto\tJapan\n") == "\t"
    assert sniff_delimiter('city,country\n"Bristol","England; United Kingdom"\n') == ","
    assert sniff_delimiter("just one column\nKyoto\n") == ","


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_sheet(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML changed, as a hostile or damaged file would have it."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            target.writestr(item, change(body) if item.filename == "xl/worksheets/sheet1.xml" else body)
    return out.getvalue()


GOOD = xlsx([["Partner city", "Country", "Population"], ["Kyoto", "Japan", 1460000]])
MALFORMED = {
    "text in a number cell": (with_sheet(GOOD, lambda xml: xml.replace(b"<v>1460000</v>", b"<v>many</v>")),
                              "Row 2 of the XLSX file holds a value its cell cannot hold"),
    "a broken sheet": (with_sheet(GOOD, lambda xml: xml[:len(xml) // 2]), "The XLSX file is damaged near row"),
    "a broken zip": (GOOD[:len(GOOD) // 2], "The XLSX file could not be read."),
    "a wrong encoding": ("Partner city,Country\nKyoto,Japan\n".encode("utf-16-le"),
                         "This does not look like a CSV or XLSX file."),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_file_gets_a_clear_message_not_a_500(client, login, make, case):
    data, message = MALFORMED[case]
    home = make.home_city()
    login("coordinator")
    name = "partners.csv" if case == "a wrong encoding" else "partners.xlsx"
    response = client.post("/import/", content_type="multipart/form-data", data={
        "kind": "partnerships", "mode": "partners", "home_city_id": str(home.id), "file": (io.BytesIO(data), name)})
    assert response.status_code == 422
    assert message in response.text


def test_a_good_workbook_still_reads(app_ctx):
    assert read_table("partners.xlsx", GOOD) == (["Partner city", "Country", "Population"],
                                                  [["Kyoto", "Japan", "1460000"]])


@pytest.mark.parametrize("setting, value, message", [
    ("IMPORT_MAX_ROWS", 3, "The file has more than 3 rows"),
    ("IMPORT_MAX_CELLS", 10, "The file has more than 10 cells"),
    ("IMPORT_MAX_CELL_CHARS", 8, "A cell in row 8 is longer than 8 characters"),
    ("IMPORT_READ_SECONDS", -1, "Reading the file took longer than"),
])
def test_each_reading_limit_is_configurable_and_named_in_its_message(app, app_ctx, monkeypatch, setting, value,
                                                                       message):
    monkeypatch.setitem(app.config, setting, value)
    rows = [["city", "country"]] + [["Kyoto", "Japan"]] * 6 + [["Kyoto", "Japan and more"]]
    csv_data = "".join(",".join(row) + "\n" for row in rows).encode()
    for name, data in (("partners.csv", csv_data), ("partners.xlsx", xlsx(rows))):
        with pytest.raises(UnreadableFile, match=message):
            read_table(name, data)


def test_an_xlsx_that_unpacks_too_large_is_refused_before_it_is_read(app, app_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_UNPACKED_MB", 1)
    bomb = with_sheet(GOOD, lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * (2 * 1024 * 1024)))
    assert len(bomb) < 100 * 1024  # small on the wire
    with pytest.raises(UnreadableFile, match="larger than 1 MB once unpacked"):
        read_table("partners.xlsx", bomb)
