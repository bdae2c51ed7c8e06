"""Issue 15, item 11: a formula after any list separator Excel may split on is neutralised in CSV."""
import csv
import io

import pytest

from crm.exports.writers import FORMULA_STARTS, csv_text

SEPARATORS = [";", ",", "\t", "|", "\r\n", "\n"]
STARTS = ["=", "+", "-", "@"]


def cells_as_excel_splits(line: str, separator: str) -> list[str]:
    """What a spreadsheet sees when it splits a cell's text on its own list separator (quotes ignored)."""
    return [part.strip().strip('"').strip() for part in line.split(separator)]


@pytest.mark.parametrize("separator", SEPARATORS)
@pytest.mark.parametrize("start", STARTS)
def test_no_cell_starts_a_formula_whatever_the_separator(separator, start):
    for text in (f"x{separator}{start}cmd|' /C calc'!A0", f"x{separator} {start}1+1",
                 f'x{separator}"{start}HYPERLINK(""http://evil.example"")"', f"{start}a{separator}{start}b"):
        written = csv_text(text)
        for cell in cells_as_excel_splits(written, separator.strip("\r") or separator):
            assert not cell.startswith(tuple(STARTS)), (text, written)
        assert written.replace("'", "") == text.replace("'", ""), "nothing else changes"


def test_semicolon_text_in_a_contacts_export(client, login, make):
    partnership = make.partnership()
    make.contact(partnership, name="Ann;=cmd|' /C calc'!A0", job_title="Mayor; -2+3")
    login("viewer")
    body = client.get("/contacts/export.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert "Ann;'=cmd|' /C calc'!A0" in rows[1] and "Mayor; '-2+3" in rows[1]
    for line in body.splitlines()[1:]:
        for cell in line.split(";"):
            assert not cell.strip().strip('"').startswith(FORMULA_STARTS[:4])


def test_ordinary_text_is_left_alone():
    for text in ("Kyoto; Osaka", "Trade, culture | education", "e-mail: ann@example.org", "10-12 May"):
        assert csv_text(text) == text


# Issue 25 item 2: formula safety that keeps data -------------------------------------------------------------

#: (as stored, as the CSV cell holds it); XLSX holds every one as stored, in a text cell
FORMULA_TABLE = [
    ("+81 75-222-3072", "+81 75-222-3072"),  # a phone number: written as typed
    ("+44 (0)20 7946 0000", "+44 (0)20 7946 0000"),
    ("-12.50", "-12.50"),  # a negative amount
    ("-12,50", "-12,50"),
    ("-Ann Dash", "'-Ann Dash"),  # a name with a leading "-": guarded in CSV, given back by the importer
    ("=HYPERLINK(\"http://evil.example\",\"x\")", "'=HYPERLINK(\"http://evil.example\",\"x\")"),
    ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+1", "'\t'=1+1"),
    ("'quoted", "''quoted"),  # an apostrophe of its own is kept, not taken for the guard
    ("''=x", "'''=x"),
    ("Mayor; -2+3", "Mayor; '-2+3"),
    ("x;'=y", "x;''=y"),
    ("Kyoto; Osaka", "Kyoto; Osaka"),
    ("10-12 May", "10-12 May"),
    ("-", "'-"),
    ("'+81 75", "''+81 75"),  # an apostrophe typed before a phone number is kept too
    ("'", "''"),
]


@pytest.mark.parametrize("stored, written", FORMULA_TABLE)
def test_the_guard_both_ways(stored, written):
    from crm.exports.formulas import unguard

    assert csv_text(stored) == written
    assert unguard(written) == stored


@pytest.mark.parametrize("written, stored", [
    ("'+81 75-222-3072", "+81 75-222-3072"), ("'-12.50", "-12.50"), ("Tel; '+81 75", "Tel; +81 75"),
    ("'hello", "'hello"), ("it's", "it's"), ("x;'y", "x;'y"),
])
def test_files_of_earlier_versions_read_back_as_stored(written, stored):
    """They put an apostrophe before every + and -; an apostrophe before anything else is the text's own."""
    from crm.exports.formulas import unguard

    assert unguard(written) == stored


@pytest.mark.parametrize("separator", [",", ";"])
def test_the_importer_reads_the_guarded_csv_back_as_stored(app_ctx, separator):
    from crm.exports.writers import Column, csv_chunks
    from crm.imports.reading import read_table

    values = [stored.strip() for stored, _written in FORMULA_TABLE]  # the importer trims cells
    body = b"".join(csv_chunks([Column("Name", lambda v: v), Column("N", lambda v: 1)], values, separator))
    headers, rows = read_table("contacts.csv", body)
    assert headers == ["Name", "N"]
    assert [row[0] for row in rows] == values


def test_xlsx_text_cells_carry_the_quote_prefix(app_ctx):
    from openpyxl import load_workbook

    from crm.exports.writers import Column, xlsx_bytes
    from crm.imports.reading import read_table

    values = [stored for stored, _written in FORMULA_TABLE]
    data = xlsx_bytes([Column("Name", lambda v: v)], values, "Contacts")
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    for (value,), cell in zip(([v] for v in values), (row[0] for row in sheet.iter_rows(min_row=2))):
        assert cell.value == value and cell.data_type == "s"
        assert cell.quotePrefix == value.startswith(FORMULA_STARTS), value  # Excel keeps it text once edited
    assert [row[0] for row in read_table("contacts.xlsx", data)[1]] == [v.strip() for v in values]


@pytest.mark.parametrize("language, separator", [("en", ","), ("es", ";"), ("fr", ";"), ("de", ";"), ("ja", ","),
                                                 ("zh", ","), ("ar", ",")])
def test_csv_uses_the_separator_excel_expects_in_the_reader_language(client, login, make, language, separator):
    login(make.user("viewer", language=language))
    body = client.get("/contacts/export.csv").get_data().decode("utf-8-sig")
    assert body.splitlines()[0].count(separator) == 8 and body.splitlines()[0].count(
        ";" if separator == "," else ",") == 0
    other = {";": "comma", ",": "semicolon"}[separator]
    chosen = client.get(f"/contacts/export.csv?sep={other}").get_data().decode("utf-8-sig")
    assert chosen.splitlines()[0].count({"comma": ",", "semicolon": ";"}[other]) == 8


def test_amounts_take_a_decimal_comma_beside_semicolons(app_ctx):
    from decimal import Decimal

    from crm.exports.writers import Column, csv_chunks, money

    columns = [Column("Budget", lambda r: money(r, "EUR")), Column("Share", lambda r: Decimal("0.25")),
               Column("People", lambda r: 12), Column("Note", lambda r: "1.5 days")]
    comma = b"".join(csv_chunks(columns, [123450], ",")).decode("utf-8-sig").splitlines()[1]
    semicolon = b"".join(csv_chunks(columns, [123450], ";")).decode("utf-8-sig").splitlines()[1]
    assert comma == "1234.50,0.25,12,1.5 days"
    assert semicolon == "1234,50;0,25;12;1.5 days", "numbers as a German, French or Spanish Excel reads them"
