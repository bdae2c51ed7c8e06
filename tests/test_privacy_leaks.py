"""No sensitive value reaches a reader without the protocol and safeguarding permission (issue 22 §7).

The permission matrix's world (tests/test_access.py: two partnerships with every kind of record, and each
capability's part of it: rosters, hosts and placements...) gets distinctive sensitive values on every contact of
both partnerships, so on every roster too, and on every host's vetting. Then every GET route is requested, with
its parameters filled from each side's real ids, as a coordinator and an administrator without the permission
and as both guests; the JSON API with each one's own token. Pages, CSV and XLSX exports, JSON and PDFs
(their text) are searched for every value, which must never appear. A reader with the permission does see them
on the contact's page."""
import io
import secrets
import zipfile
from datetime import date

import pytest
from pdfminer.high_level import extract_text
from sqlalchemy import update

from crm.api.models import ApiToken
from crm.api.tokens import digest
from crm.contacts.models import Contact
from crm.protocol.models import Helper
from tests.test_access import POLICY, RULES, fill, sign_in_as, world  # noqa: F401  (world: the matrix's fixture)

PASSPORT, MEDICAL, DIET, VETTING = "ZX9981234", "SENSITIVE-MED-7", "SENSITIVE-DIET-3", "SENSITIVE-VET-5"
BORN = date(1931, 7, 29)
#: a date of birth as the pages, the exports and the documents of every language could print it
BORN_AS = ("1931-07-29", "29/07/1931", "7/29/31", "29.07.1931", "Jul 29, 1931", "July 29, 1931", "29 Jul 1931",
           "29 July 1931", "1931年7月29日", "1931/07/29")
VALUES = (PASSPORT, MEDICAL, DIET, VETTING, *BORN_AS)

READERS = ["viewer", "coordinator", "admin", "guest_a", "guest_b"]
#: who walks every route: a viewer reads no more than a coordinator does (the exports' test asks as one too)
WALKERS = ["coordinator", "admin", "guest_a", "guest_b"]
OWN_SIDE = {"guest_a": "alpha", "guest_b": "bravo"}
GET_RULES = [rule for rule in RULES if "GET" in rule.methods]
#: routes that only change something (sign out, a language switch) or only answer a liveness probe
SKIPPED = {"auth.sign_out", "i18n.switch_language", "health_checks.liveness", "health_checks.readiness"}


@pytest.fixture
def sensitive_world(world, session):  # noqa: F811  (the imported fixture)
    """The world with every contact and every host carrying the distinctive values."""
    session.execute(update(Contact).values(passport_number=PASSPORT, medical_notes=f"{MEDICAL} insulin",
                                           dietary_needs=f"{DIET} no peanuts", date_of_birth=BORN))
    session.execute(update(Helper).values(vetting_result=f"Cleared {VETTING}"))
    session.commit()
    tokens = {}
    for role in READERS:
        secret = "scc_" + secrets.token_urlsafe(32)
        session.add(ApiToken(user_id=world["users"][role].id, name="leak test", token_hash=digest(secret),
                             prefix=secret[:12]))
        tokens[role] = secret
    session.commit()
    return world, tokens


def readable(response) -> str:
    """What a reader could read in a response: a page's, a CSV's or JSON's text, a PDF's text, an XLSX's cells."""
    data = response.get_data()
    if data[:4] == b"%PDF":
        return extract_text(io.BytesIO(data))
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                           if name.endswith(".xml"))
    return data.decode("utf-8", "replace")


def leaked(text: str) -> list[str]:
    return [value for value in VALUES if value in text]


def test_no_reader_without_the_permission_sees_a_sensitive_value_anywhere(app, client, sensitive_world,
                                                                          _transaction):
    sides, tokens = sensitive_world
    checked, leaks = 0, []
    for rule in GET_RULES:
        if rule.endpoint in SKIPPED:
            continue
        for role in WALKERS:
            side = OWN_SIDE.get(role, "alpha")
            url = fill(rule.rule, sides[side])
            savepoint = _transaction.begin_nested()
            try:
                if POLICY[rule.endpoint] == "token":
                    sign_in_as(client, None)
                    response = client.get(url, headers={"Authorization": f"Bearer {tokens[role]}"})
                else:
                    sign_in_as(client, sides["users"][role])
                    response = client.get(url)
                assert response.status_code != 500, f"{role} GET {url} → 500"
                if found := leaked(readable(response)):
                    leaks.append(f"{role} GET {url} → {response.status_code}: {found}")
            finally:
                savepoint.rollback()
            checked += 1
    assert leaks == []
    assert checked > len(WALKERS) * 200  # every route was asked, as every reader


def test_the_exports_the_search_and_the_api_hold_no_sensitive_value(client, sensitive_world):
    sides, tokens = sensitive_world
    for role in ("viewer", "coordinator", "admin"):
        sign_in_as(client, sides["users"][role])
        for url in ("/contacts/export.csv", "/contacts/export.xlsx", "/contacts/?q=Alpha", "/search?q=Contact"):
            response = client.get(url)
            assert response.status_code == 200, (role, url, response.status_code)
            assert leaked(readable(response)) == [], (role, url)
        if role != "viewer":  # the bulk export of ticked contacts, for editors
            for fmt in ("csv", "xlsx"):
                response = client.post("/bulk/contacts/export", data={
                    "ids": [sides["alpha"]["contact_id"], sides["bravo"]["contact_id"]], "fmt": fmt})
                assert response.status_code == 200 and "Alpha Contact" in readable(response)
                assert leaked(readable(response)) == [], (role, fmt)
        # searching for a sensitive value finds nobody (the page says what was typed, nothing more): the
        # columns are not searched
        for value in (PASSPORT, MEDICAL, DIET, VETTING):
            assert "Alpha Contact" not in client.get("/search", query_string={"q": value}).text
        assert "Alpha Contact" in client.get("/search?q=Alpha+Contact").text
        api = client.get("/api/v1/partnerships", headers={"Authorization": f"Bearer {tokens[role]}"})
        assert api.status_code in (200, 404) and leaked(readable(api)) == []


def test_a_reader_with_the_permission_does_see_them_on_the_contacts_page(client, sensitive_world, session):
    sides, _tokens = sensitive_world
    officer = sides["users"]["coordinator"]
    officer.protocol_access = True
    session.commit()
    sign_in_as(client, officer)
    page = client.get(f"/contacts/{sides['alpha']['contact_id']}").text
    assert PASSPORT in page and MEDICAL in page and DIET in page and 'datetime="1931-07-29"' in page
    form = client.get(f"/contacts/{sides['alpha']['contact_id']}/edit").text
    assert PASSPORT in form and MEDICAL in form
