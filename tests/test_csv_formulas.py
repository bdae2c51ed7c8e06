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
