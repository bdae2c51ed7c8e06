"""Polish from the security review: the language cookie is https-only in production, and no bidi control
(U+202E and the rest) reaches a download's file name or an exported cell."""
import csv
import io
from datetime import date
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from crm.agreements.models import Agreement, AgreementText
from crm.bidi import BIDI_CONTROLS
from crm.downloads import attachment_disposition

#: every character with Unicode's Bidi_Control property
EVERY_BIDI_CONTROL = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize("secure", [True, False], ids=["production", "development"])
def test_the_language_cookie_is_https_only_in_production(app, client, monkeypatch, secure):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", secure)  # what CRM_ENV=production sets
    response = client.post("/language", data={"language": "fr", "next": "/sign-in"})
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("lang="))
    assert ("; Secure" in cookie) is secure
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_every_bidi_control_is_known():
    assert all(BIDI_CONTROLS.fullmatch(ch) for ch in EVERY_BIDI_CONTROL)
    assert not BIDI_CONTROLS.search("\u200c\u200d")  # joiners stay: Arabic and Persian need them


def test_a_download_name_carries_no_bidi_control():
    header = attachment_disposition(f"Agreement-京都{EVERY_BIDI_CONTROL}fdp.exe.pdf", "Agreement-Kyoto.pdf")
    assert not BIDI_CONTROLS.search(unquote(header))
    assert "Agreement-京都fdp.exe.pdf" in unquote(header)


def test_a_pdf_named_after_a_city_with_an_override_downloads_under_a_plain_name(client, login, make, session):
    partnership = make.partnership(partner=make.city("Kyoto", "京都\u202efdp.exe", timezone="Asia/Tokyo"))
    agreement = Agreement(partnership=partnership, kind="sister_city", title="Agreement", status="signed",
                          signed_on=date(2015, 4, 1), signed_at="Kyoto")
    agreement.texts.append(AgreementText(language="en", body="Friendship."))
    session.add(agreement)
    session.commit()
    login("coordinator")
    response = client.get(f"/agreements/{agreement.id}.pdf")
    assert response.status_code == 200
    name = unquote(response.headers["Content-Disposition"])
    assert "京都fdp.exe" in name and not BIDI_CONTROLS.search(name)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exported_cells_carry_no_bidi_control(client, login, make, fmt):
    partnership = make.partnership()
    make.contact(partnership, name=f"Ann{EVERY_BIDI_CONTROL}exe.pdf", email="ann@example.org")
    make.contact(partnership, name="\u202e=cmd|' /c calc'!A1", email="eve@example.org")
    login("coordinator")
    response = client.get(f"/contacts/export.{fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        cells = [cell for row in csv.reader(io.StringIO(response.data.decode("utf-8-sig"))) for cell in row]
    else:
        sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
        cells = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert "Annexe.pdf" in cells
    assert not any(BIDI_CONTROLS.search(cell) for cell in cells)
    # the override no longer hides a formula start from the guard
    assert not any(cell.startswith("=cmd") for cell in cells) if fmt == "csv" else True


@pytest.mark.parametrize("text, direction", [
    ("Meet port and logistics companies.", "ltr"), ("لقاء شركات الموانئ.", "rtl"), ("2027: مهمة تجارية", "rtl"),
    ("「京都」訪問", "ltr"), ("", "ltr"), (None, "ltr"), ("שלום", "rtl"),
])
def test_typed_text_takes_the_direction_of_its_first_strong_character(text, direction):
    from crm.bidi import text_direction

    assert text_direction(text) == direction
