"""Every list downloads as CSV and XLSX: what it shows, with its filters, across all pages, in the reader's language."""
import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from crm.agreements.models import Agreement
from crm.engagements.models import EngagementKind, Pillar
from crm.exports.writers import Column, csv_chunks, csv_text, sheet_title, xlsx_bytes
from crm.imports.reading import sniff_delimiter
from crm.partnerships.models import PartnershipStatus
from crm.programs.exchanges.models import Exchange
from crm.programs.missions.models import TradeMission
from crm.programs.projects.models import JointProject

LISTS = {  # list page → (export path without extension, first header in English)
    "/partnerships/": ("/partnerships/export", "Partner city"),
    "/engagements/": ("/engagements/export", "Date"),
    "/missions/": ("/missions/export", "Mission"),
    "/exchanges/": ("/exchanges/export", "Exchange"),
    "/projects/": ("/projects/export", "Project"),
    "/agreements/": ("/agreements/export", "Title"),
    "/contacts/": ("/contacts/export", "Name"),
    "/organizations/": ("/organizations/export", "Name"),
}


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith("\ufeff".encode()), "UTF-8 byte-order mark for Excel"
    text = body.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)))


def xlsx_sheet(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.get_data()))
    assert len(workbook.worksheets) == 1
    return workbook.worksheets[0]


def xlsx_rows(response) -> list[list]:
    return [[cell.value for cell in row] for row in xlsx_sheet(response).iter_rows()]


@pytest.fixture
def world(make, session):
    """Kyoto and Cairo, each with a record on every list."""
    make.home_city()
    kyoto = make.partnership(partner=make.city("Kyoto", native_name="京都市", country_code="JP"),
                             established_on=date(1959, 3, 4))
    cairo = make.partnership(partner=make.city("Cairo", native_name="القاهرة", country_code="EG"),
                             status=PartnershipStatus.ACTIVE)
    for partnership, word in ((kyoto, "Kyoto"), (cairo, "Cairo")):
        make.engagement(partnership, title=f"{word} working meeting", pillar=Pillar.CULTURE,
                        occurred_on=date(2025, 2, 3))
        make.contact(partnership, name=f"{word} contact", email=f"{word.lower()}@partner.example")
        make.organization(partnership, name=f"{word} University")
        session.add_all([
            TradeMission(partnership=partnership, title=f"{word} mission", direction="outbound",
                         occurred_on=date(2025, 5, 1), ends_on=date(2025, 5, 4)),
            Exchange(partnership=partnership, title=f"{word} exchange", exchange_kind="youth", direction="both",
                     occurred_on=date(2025, 7, 1), ends_on=date(2025, 7, 9), participants=12),
            JointProject(partnership=partnership, title=f"{word} project", theme="health",
                         occurred_on=date(2025, 1, 1), budget_minor=150_000, budget_currency="JPY"),
            Agreement(partnership=partnership, kind="mou", title=f"{word} agreement", status="signed",
                      signed_on=date(2024, 5, 1)),
        ])
    session.commit()
    return {"kyoto": kyoto, "cairo": cairo}


@pytest.mark.parametrize("list_url", list(LISTS))
def test_every_list_exports_csv_and_xlsx(client, login, world, list_url):
    login("viewer")
    export, first_header = LISTS[list_url]
    page = client.get(list_url)
    assert page.status_code == 200
    assert f'href="{export}.csv"' in page.text and f'href="{export}.xlsx"' in page.text

    rows = csv_rows(client.get(f"{export}.csv"))
    assert rows[0][0] == first_header
    text = "\n".join(",".join(row) for row in rows[1:])
    assert "Kyoto" in text and "Cairo" in text
    assert len(rows) >= 3

    sheet = xlsx_sheet(client.get(f"{export}.xlsx"))
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == rows[0], "the same localized headers in both formats"
    assert len(values) == len(rows)
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.column_dimensions["A"].width > 5


def test_file_names_carry_the_list_and_the_day(client, login, world):
    login("viewer")
    response = client.get("/partnerships/export.csv")
    disposition = response.headers["Content-Disposition"]
    assert re.search(r'attachment; filename="partnerships-\d{4}-\d{2}-\d{2}\.csv"; filename\*=UTF-8\'\'', disposition)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    xlsx = client.get("/missions/export.xlsx").headers["Content-Disposition"]
    assert re.search(r'filename="trade-missions-\d{4}-\d{2}-\d{2}\.xlsx"', xlsx)


def test_the_reader_language_names_the_file(client, login, make, session, world):
    user = make.user("viewer", language="ja")
    login(user)
    disposition = client.get("/partnerships/export.csv").headers["Content-Disposition"]
    assert 'filename="partnerships-' in disposition  # the ASCII fallback stays readable
    with client.application.test_request_context(), force_locale("ja"):
        expected = str(_l("Partnerships"))
    from urllib.parse import quote
    assert f"filename*=UTF-8''{quote(expected.lower(), safe='')}-" in disposition


@pytest.mark.parametrize("language", ["es", "ar", "ja"])
def test_headers_and_labels_are_in_the_reader_language(client, login, make, session, world, language):
    user = make.user("viewer", language=language)
    login(user)
    with client.application.test_request_context(), force_locale(language):
        partner_city, status, active = str(_l("Partner city")), str(_l("Status")), str(PartnershipStatus.ACTIVE.label)
        title = str(_l("Partnerships"))
        meeting = str(EngagementKind.MEETING.label)
    assert partner_city != "Partner city" and active != "Active", "translated in the catalog"
    rows = csv_rows(client.get("/partnerships/export.csv"))
    assert rows[0][0] == partner_city and status in rows[0]
    assert rows[1][rows[0].index(status)] == active
    sheet = xlsx_sheet(client.get("/partnerships/export.xlsx"))
    assert sheet.title == sheet_title(title)
    assert sheet["A1"].value == partner_city
    engagements = csv_rows(client.get("/engagements/export.csv"))
    assert [row[2] for row in engagements if row[1] == "Kyoto working meeting"] == [meeting]


def test_partnership_export_is_the_list_across_every_page_in_order(client, login, make, session):
    """Health filter and sort are decided in Python: the export must follow them exactly."""
    login("viewer")
    make.home_city()
    today = date.today()
    for n in range(23):
        partnership = make.partnership(partner=make.city(f"Town {n:02d}"), established_on=date(2000, 1, 1))
        if n % 3:  # two in three went quiet at different times; the rest are active
            make.engagement(partnership, occurred_on=today - timedelta(days=400 + 20 * n))
        else:
            make.engagement(partnership, occurred_on=today - timedelta(days=10))
    make.partnership(partner=make.city("Suspended town"), status=PartnershipStatus.SUSPENDED)
    for query in ("sort=health", "health=ceremonial&sort=country", "sort=partner&q=town", "health=healthy"):
        shown, page = [], 1
        while True:
            response = client.get(f"/partnerships/?{query}&page={page}")
            names = re.findall(r'<span class="city-name">([^<]+)</span>', response.text)
            shown += names
            if 'rel="next"' not in response.text:
                break
            page += 1
        assert len(shown) > 3, query
        exported = [row[0] for row in csv_rows(client.get(f"/partnerships/export.csv?{query}&page=2"))[1:]]
        assert exported == shown, query
        assert [row[0] for row in xlsx_rows(client.get(f"/partnerships/export.xlsx?{query}"))[1:]] == shown


def test_partnership_export_carries_health_state_and_reason(client, login, make, session):
    login("viewer")
    make.home_city()
    quiet = make.partnership(partner=make.city("Quietville"), established_on=date(2000, 1, 1))
    make.engagement(quiet, occurred_on=date.today() - timedelta(days=800))
    rows = csv_rows(client.get("/partnerships/export.csv"))
    header, row = rows[0], rows[1]
    assert row[header.index("Relationship health")] == "Gone ceremonial"
    assert row[header.index("Reason")].startswith("No substantive engagement since")


def test_engagement_export_follows_the_filters_across_pages(client, login, make, session, world):
    login("viewer")
    for n in range(14):
        make.engagement(world["kyoto"], title=f"Greeting {n}", substantive=False, kind=EngagementKind.LETTER,
                        occurred_on=date(2024, 1, 1) + timedelta(days=n))
    make.engagement(world["cairo"], title="Greeting from Cairo", substantive=False, kind=EngagementKind.LETTER)
    query = f"partnership={world['kyoto'].id}&substantive=no&kind=letter&date_from=2024-01-03"
    shown, page = [], 1
    while True:
        response = client.get(f"/engagements/?{query}&page={page}")
        assert response.status_code == 200
        shown += re.findall(r"<bdi>(Greeting[^<]*)</bdi>", response.text)
        if 'rel="next"' not in response.text:
            break
        page += 1
    assert shown == [f"Greeting {n}" for n in range(13, 1, -1)], "newest first, filtered"
    exported = csv_rows(client.get(f"/engagements/export.csv?{query}"))
    assert [row[1] for row in exported[1:]] == shown
    assert {row[4] for row in exported[1:]} == {"Protocol only"}
    assert exported[1][0] == "2024-01-14", "ISO dates in CSV"
    sheet = xlsx_rows(client.get(f"/engagements/export.xlsx?{query}"))
    assert [row[1] for row in sheet[1:]] == shown
    assert sheet[1][0] == datetime(2024, 1, 14), "a real date cell in XLSX"


def test_program_filters_are_kept(client, login, world):
    login("viewer")
    kyoto = world["kyoto"].id
    for export in ("/missions/export", "/exchanges/export", "/projects/export", "/agreements/export",
                   "/contacts/export", "/organizations/export"):
        rows = csv_rows(client.get(f"{export}.csv?partnership={kyoto}"))
        body = "\n".join(",".join(row) for row in rows[1:])
        assert "Kyoto" in body and "Cairo" not in body, export
    rows = csv_rows(client.get("/missions/export.csv?q=cairo"))
    assert [row[0] for row in rows[1:]] == ["Cairo mission"]


def test_links_carry_the_current_filters(client, login, world):
    login("viewer")
    page = client.get(f"/missions/?q=kyoto&partnership={world['kyoto'].id}&page=1")
    links = re.findall(r'href="(/missions/export\.[a-z]+[^"]*)"', page.text)
    assert len(links) == 2
    for link in links:
        assert "q=kyoto" in link and f"partnership={world['kyoto'].id}" in link and "page=" not in link


def test_money_and_numbers_are_typed(client, login, world):
    login("viewer")
    header, *rows = csv_rows(client.get("/projects/export.csv"))
    assert rows[0][header.index("Budget")] == "150000" and rows[0][header.index("Currency")] == "JPY"
    sheet = xlsx_sheet(client.get("/projects/export.xlsx"))
    budget = sheet.cell(row=2, column=header.index("Budget") + 1)
    assert budget.value == 150000 and budget.data_type == "n" and '"JPY"' in budget.number_format
    exchanges = xlsx_sheet(client.get("/exchanges/export.xlsx"))
    assert exchanges.cell(row=2, column=5).value == 12


HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
           "\t=1+1", "\r=1+1", "#N/A"]


def test_formulas_are_neutralised(client, login, make, session, world):
    login("viewer")
    for name in HOSTILE:
        make.contact(world["kyoto"], name=name)
    rows = csv_rows(client.get("/contacts/export.csv"))
    names = {row[0] for row in rows[1:]}
    for name in HOSTILE[:-1]:
        # a tab or carriage return is a delimiter too: the formula after it is neutralised as well
        assert "'" + name.replace("\t=", "\t'=").replace("\r=", "\r'=") in names, name
    assert "#N/A" in names
    sheet = xlsx_sheet(client.get("/contacts/export.xlsx"))
    cells = {cell.value: cell for cell in (row[0] for row in sheet.iter_rows(min_row=2))}
    for name in HOSTILE:
        # an XML reader may hand a carriage return back as a line feed (older lxml did; openpyxl writes it escaped)
        cell = cells.get(name) or cells[name.replace("\r", "\n")]
        assert cell.data_type == "s", name  # kept verbatim, as text: never run as a formula


def test_csv_quoting_follows_rfc_4180(app_ctx):
    columns = [Column("A", lambda r: r[0]), Column("B", lambda r: r[1])]
    body = b"".join(csv_chunks(columns, [('say "hi", then go', "line\nbreak")])).decode("utf-8-sig")
    assert body == 'A,B\r\n"say ""hi"", then go","line\nbreak"\r\n'
    assert csv_text(-5) == "-5", "numbers are not text: no quote"
    assert csv_text(date(2026, 11, 25)) == "2026-11-25"


def test_xlsx_strips_characters_excel_refuses(app_ctx):
    columns = [Column("A", lambda r: r)]
    workbook = load_workbook(io.BytesIO(xlsx_bytes(columns, ["bell\x07 and nul\x00"], "Sheet: [x]/y")))
    sheet = workbook.worksheets[0]
    assert sheet["A2"].value == "bell and nul"
    assert sheet.title == "Sheet   x  y"


def test_unicode_names_round_trip(client, login, world):
    login("viewer")
    rows = csv_rows(client.get("/partnerships/export.csv"))
    native = {row[1] for row in rows[1:]}
    assert {"京都市", "القاهرة"} <= native
    engagements = "\n".join(",".join(r) for r in csv_rows(client.get("/engagements/export.csv")))
    assert "Kyoto (京都市)" in engagements and "Cairo (القاهرة)" in engagements
    sheet = xlsx_rows(client.get("/partnerships/export.xlsx"))
    assert {"京都市", "القاهرة"} <= {row[1] for row in sheet[1:]}


def test_deleted_engagements_are_not_exported(client, login, make, session, world):
    from datetime import UTC
    login("viewer")
    gone = make.engagement(world["kyoto"], title="Deleted meeting")
    gone.deleted_at = datetime.now(UTC)
    session.commit()
    assert "Deleted meeting" not in client.get("/engagements/").text
    assert "Deleted meeting" not in client.get("/engagements/export.csv").get_data(as_text=True)


def test_engagement_list_links_to_program_pages_and_timelines(client, login, world):
    login("viewer")
    page = client.get("/engagements/")
    assert page.status_code == 200
    assert re.search(r'href="/missions/\d+"><bdi>Kyoto mission</bdi>', page.text)
    assert re.search(rf'href="/partnerships/{world["kyoto"].id}#timeline"><bdi>Kyoto working meeting</bdi>',
                     page.text)
    assert client.get("/engagements/?q=nothing-like-this").text.count("No engagement matches these filters.") == 1


def add_rows(make, session, partnership, n):
    for i in range(n):
        make.contact(partnership, name=f"Bulk contact {i}", organization=make.organization(partnership))
        make.engagement(partnership, title=f"Bulk {i}", logged_by=make.user("coordinator"))
        session.add(TradeMission(partnership=partnership, title=f"Bulk mission {i}", direction="inbound",
                                 occurred_on=date(2025, 1, 1), ends_on=date(2025, 1, 2),
                                 destination=make.city(), lead=make.user("coordinator")))
    session.commit()


@pytest.mark.parametrize("url", ["/partnerships/export.csv", "/partnerships/export.xlsx?sort=health",
                                 "/engagements/export.csv", "/engagements/export.xlsx", "/missions/export.csv",
                                 "/contacts/export.xlsx", "/organizations/export.csv", "/agreements/export.csv"])
def test_query_count_does_not_grow_with_rows(client, login, make, session, world, count_queries, url):
    login("viewer")
    with count_queries() as small:
        assert len(client.get(url).get_data()) > 0
    add_rows(make, session, world["kyoto"], 5)
    for n in range(20):
        make.partnership(partner=make.city(f"Extra {n}"), liaison=make.user("coordinator"))
    add_rows(make, session, world["cairo"], 20)
    with count_queries() as large:
        response = client.get(url)
        assert len(response.get_data()) > 0
    print(f"\nQUERIES {url} {small.count} {large.count}")
    assert small.count == large.count, (small.statements, large.statements)
    assert large.count <= 12


@pytest.mark.parametrize("url", ["/engagements/", "/engagements/export.csv", "/partnerships/export.xlsx",
                                 "/contacts/export.csv", "/organizations/export.xlsx", "/agreements/export.csv",
                                 "/missions/export.csv", "/exchanges/export.xlsx", "/projects/export.csv"])
def test_staff_may_export_guests_get_404(client, login, make, world, url):
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    login(make.user("guest"))
    assert client.get(url).status_code == 404
    login("viewer")
    assert client.get(url).status_code == 200
