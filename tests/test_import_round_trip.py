"""Issue 25 item 2: the app's own exports come back unchanged, in every language and both formats.

For each UI language, the partnerships and contacts lists are exported as CSV
and XLSX, uploaded to the importer as they are, mapped by the importer's own
guess, every preview tab is opened, and the import is confirmed: it adds and
changes nothing. Values a spreadsheet would run as a formula, phone numbers,
amounts and names starting with "-" survive the trip both ways.

Run with -s to see the round-trip table (lines starting "ROUND TRIP").
"""
import io
from datetime import date

import pytest
from flask_babel import force_locale, gettext
from openpyxl import load_workbook
from sqlalchemy import delete, func, select

from crm.cities.models import City
from crm.contacts.models import Contact, Organization
from crm.engagements.models import Visibility
from crm.i18n import LANGUAGES
from crm.imports.matching import city_index
from crm.imports.models import DONE, ImportJob
from crm.partnerships.models import Partnership, PartnershipKind, PartnershipStatus, Side
from tests.test_import_visibility import SelectedOptions


@pytest.fixture(autouse=True, scope="module")
def _gazetteer_loaded():
    """Loaded as after the first import of a process: small files are then matched in the request."""
    city_index()


KYOTO, MALMO, CAIRO = 1857910, 2692969, 360630
TABS = ("review", "matched", "created", "skipped")
#: every field the export has a column for, by list, and that column's header (msgid)
EXPECTED_FIELDS = {
    "partnerships": {"home_city": "Home city", "partner_city": "Partner city", "partner_country": "Country",
                     "kind": "Kind", "status": "Status", "established_on": "Established on"},
    "contacts": {"partner_city": "Partnership", "name": "Name", "email": "E-mail", "phone": "Phone",
                 "organization": "Organization", "job_title": "Title or role", "language": "Language",
                 "side": "Side", "visibility": "Visible to"},
}
EXPORTS = {"partnerships": "/partnerships/export", "contacts": "/contacts/export"}

#: values that look like formulas, and values that must stay as typed: (name, job title, phone)
TRICKY_CONTACTS = [
    ("-Ann Dash", "-12.50", "+81 75-222-3072"),
    ('=HYPERLINK("http://evil.example","x")', "Mayor; -2+3", "+44 (0)20 7946 0000"),
    ("+1+cmd|' /C calc'!A0", "@SUM(A1)", "-"),
    ("'Quoted name", "Liaison, culture", "+20 2 2391 0000"),
    ("@handle", "=1+1", None),
]


@pytest.fixture
def portfolio(make, session):
    home = make.home_city(name="Kobe", country_code="JP")
    kyoto = make.partnership(home=home, partner=make.city("Kyoto", native_name="京都市", country_code="JP",
                                                          geonames_id=KYOTO), established_on=date(1959, 3, 4))
    malmo = make.partnership(home=home, partner=make.city("Malmö", country_code="SE", geonames_id=MALMO,
                                                          timezone="Europe/Stockholm"),
                             kind=PartnershipKind.FRIENDSHIP_CITY, status=PartnershipStatus.SUSPENDED)
    cairo = make.partnership(home=home, partner=make.city("Cairo", native_name="القاهرة", country_code="EG",
                                                          geonames_id=CAIRO, timezone="Africa/Cairo"),
                             kind=PartnershipKind.COOPERATION, status=PartnershipStatus.PROPOSED)
    # a city added from an earlier file, not in the gazetteer (so with no gazetteer id)
    make.partnership(home=home, partner=make.city("Petrogradsky (Saint Petersburg)", country_code="RU",
                                                  timezone="Europe/Moscow", latitude=59.96, longitude=30.31))
    office = make.organization(kyoto, name="Kyoto City Office")
    make.contact(kyoto, name="山田 花子", email="hanako@kyoto.example", phone="+81 75-222-3072",
                 job_title="Director, International Affairs", organization=office, language="ja",
                 visibility=Visibility.SHARED)
    make.contact(cairo, name="Amira Hassan", email="amira@cairo.example", language="ar",
                 visibility=Visibility.STAFF_ONLY)
    make.contact(cairo, name="Our Liaison", email="liaison@kobe.example", side=Side.HOME)
    for n, (name, title, phone) in enumerate(TRICKY_CONTACTS):
        make.contact((kyoto, malmo, cairo)[n % 3], name=name, job_title=title, phone=phone,
                     visibility=(Visibility.SHARED, Visibility.STAFF_ONLY)[n % 2])
    return {"home": home, "kyoto": kyoto, "malmo": malmo, "cairo": cairo}


def snapshot(session) -> dict:
    """Everything an import could add or change."""
    session.expire_all()
    return {
        "partnerships": sorted(session.execute(select(
            Partnership.id, Partnership.home_city_id, Partnership.partner_city_id, Partnership.kind,
            Partnership.status, Partnership.established_on, Partnership.summary, Partnership.version)).all()),
        "contacts": sorted(session.execute(select(
            Contact.id, Contact.partnership_id, Contact.side, Contact.name, Contact.job_title, Contact.email,
            Contact.phone, Contact.language, Contact.organization_id, Contact.visibility, Contact.version)).all()),
        "organizations": sorted(session.execute(select(Organization.id, Organization.name)).all()),
        "cities": session.scalar(select(func.count()).select_from(City)),
    }


def upload(client, kind: str, filename: str, data: bytes, home_city_id: int):
    response = client.post("/import/", data={
        "kind": kind, "mode": "partners", "home_city_id": str(home_city_id),
        "file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    return response.headers["Location"].split("/import/")[1].split("/")[0]


def guessed_columns(client, token: str) -> dict[str, str]:
    parser = SelectedOptions()
    page = client.get(f"/import/{token}/columns")
    assert page.status_code == 200
    parser.feed(page.text)
    return parser.values


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["partnerships", "contacts"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_own_exports_come_back_unchanged(client, make, login, session, portfolio, language, kind, fmt):
    login(make.user("coordinator", language=language))
    export = client.get(f"{EXPORTS[kind]}.{fmt}")
    assert export.status_code == 200
    data = export.get_data()  # a CSV is streamed: read it before the test's own session reads
    before = snapshot(session)

    token = upload(client, kind, f"{kind}.{fmt}", data, portfolio["home"].id)
    columns = guessed_columns(client, token)
    headers = session.scalar(select(ImportJob).where(ImportJob.token == token)).data["headers"]
    with client.application.test_request_context(), force_locale(language):
        expected = {field: gettext(msgid) for field, msgid in EXPECTED_FIELDS[kind].items()}
    mapped = {field: headers[int(columns[field])] for field in expected if columns.get(field) not in (None, "-1")}
    assert mapped == expected, "each field found in its own column, none left for a hand choice"
    assert client.post(f"/import/{token}/columns", data=columns).status_code == 302, "no hand choice needed"

    tabs = {tab: client.get(f"/import/{token}?show={tab}").status_code for tab in TABS}
    assert tabs == dict.fromkeys(TABS, 200), tabs
    job = session.scalar(select(ImportJob).where(ImportJob.token == token))
    assert job.data["cities"] and all(c["choice"] for c in job.data["cities"]), "every city found, none to decide"

    assert client.post(f"/import/{token}/confirm").status_code == 302
    session.expire_all()
    job = session.scalar(select(ImportJob).where(ImportJob.token == token))
    assert job.status == DONE, job.error
    after = snapshot(session)
    added = len(after[kind]) - len(before[kind])
    changed = sum(1 for row in before[kind] if row not in after[kind])
    print(f"\nROUND TRIP | {language} | {fmt} | {kind} | mapped automatically: yes | tabs: "
          f"{'all 200' if set(tabs.values()) == {200} else tabs} | added: {added} | changed: {changed}")
    assert after == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("language", ["en", "de"])
def test_an_export_imported_into_an_empty_list_stores_the_values_as_typed(
        client, make, login, session, portfolio, language, fmt):
    """Both ways: the file keeps formulas from running, the importer gives back what was stored."""
    login(make.user("coordinator", language=language))
    data = client.get(f"/contacts/export.{fmt}").get_data()

    def contacts():
        session.expire_all()
        return sorted(session.execute(select(Contact.partnership_id, Contact.side, Contact.name, Contact.job_title,
                                             Contact.email,
                                             Contact.phone, Contact.language, Contact.organization_id,
                                             Contact.visibility)).all())

    stored = contacts()
    session.execute(delete(Contact))
    session.commit()
    token = upload(client, "contacts", f"contacts.{fmt}", data, portfolio["home"].id)
    assert client.post(f"/import/{token}/columns", data=guessed_columns(client, token)).status_code == 302
    assert client.post(f"/import/{token}/confirm").status_code == 302
    assert contacts() == stored


def test_the_files_keep_formulas_from_running_and_phone_numbers_as_typed(client, make, login, portfolio):
    login(make.user("coordinator", language="en"))
    body = client.get("/contacts/export.csv").get_data().decode("utf-8-sig")
    for name, title, phone in TRICKY_CONTACTS:
        if phone and phone != "-":
            assert f",{phone}," in body, phone  # neither quoted nor prefixed
    assert ",-12.50," in body
    assert "'-Ann Dash" in body and "'@handle" in body and "'=1+1" in body and "Mayor; '-2+3" in body
    sheet = load_workbook(io.BytesIO(client.get("/contacts/export.xlsx").get_data())).worksheets[0]
    cells = {cell.value: cell for row in sheet.iter_rows(min_row=2) for cell in row if isinstance(cell.value, str)}
    for value in ("-Ann Dash", '=HYPERLINK("http://evil.example","x")', "@SUM(A1)", "=1+1", "+81 75-222-3072",
                  "-12.50"):
        assert cells[value].data_type == "s" and cells[value].quotePrefix, value
    assert not cells["Liaison, culture"].quotePrefix
