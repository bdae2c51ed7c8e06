"""Issue 15 item 7: imported contacts are staff only unless the file says a contact is shared with the partner."""
import io
from html.parser import HTMLParser

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from crm.contacts.models import Contact
from crm.engagements.models import Visibility
from crm.guests.models import GuestAccess
from crm.i18n import LANGUAGES
from crm.imports.columns import CONTACT_FIELDS, guess_mapping
from crm.imports.models import ImportJob
from crm.imports.values import is_shared


def upload_contacts(client, content: str):
    response = client.post("/import/", data={"kind": "contacts", "mode": "partners",
                                             "file": (io.BytesIO(content.encode()), "contacts.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    return response.headers["Location"].split("/import/")[1].split("/")[0]


class SelectedOptions(HTMLParser):
    """The value each <select> of a page has selected, as a browser would send it."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and (self._select not in self.values or "selected" in attrs):
            self.values[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def columns_as_guessed(client, token: str) -> dict[str, str]:
    parser = SelectedOptions()
    parser.feed(client.get(f"/import/{token}/columns").text)
    return parser.values


def import_contacts(client, content: str, session) -> ImportJob:
    """Upload, keep the guessed columns, confirm: the path a user takes who changes nothing."""
    token = upload_contacts(client, content)
    response = client.post(f"/import/{token}/columns", data=columns_as_guessed(client, token))
    assert response.status_code == 302, response.text
    assert client.post(f"/import/{token}/confirm").status_code == 302
    session.expire_all()
    return session.scalar(select(ImportJob).where(ImportJob.token == token))


@pytest.fixture
def malmo(make):
    return make.partnership(partner=make.city("Malmö", country_code="SE"))


def visibility_by_name(session, partnership) -> dict[str, Visibility]:
    return {c.name: c.visibility for c in session.scalars(select(Contact).where(Contact.partnership_id == partnership.id))}


def test_without_the_column_every_imported_contact_is_staff_only_and_guests_do_not_see_them(
        client, login, make, session, malmo):
    login("coordinator")
    job = import_contacts(client, "Name,E-mail,Partner city\nAnna Berg,anna@malmo.example,Malmö\n"
                                  "Lars Holm,lars@malmo.example,Malmö\n", session)
    assert job.summary["shared"] == 0 and job.summary["staff_only"] == 2
    assert visibility_by_name(session, malmo) == {"Anna Berg": Visibility.STAFF_ONLY, "Lars Holm": Visibility.STAFF_ONLY}
    page = client.get(f"/import/{job.token}").text
    assert "Shared with the partner: 0" in page and "Staff only: 2" in page

    guest = make.user("guest", email="guest@malmo.example")
    session.add(GuestAccess(user=guest, partnership=malmo, contact=make.contact(malmo, name="Guest Contact",
                                                                               visibility=Visibility.SHARED)))
    session.commit()
    login(guest)
    portal = client.get(f"/portal/partnerships/{malmo.id}")
    assert portal.status_code == 200 and "Guest Contact" in portal.text
    assert "Anna Berg" not in portal.text and "Lars Holm" not in portal.text


def test_the_column_shares_only_the_rows_that_say_so(client, login, session, malmo):
    login("coordinator")
    content = ("Name,Partner city,Shared with the partner\n"
               "Yes Person,Malmö,yes\nNo Person,Malmö,no\nCross Person,Malmö,x\nEmpty Person,Malmö,\n"
               "True Person,Malmö,TRUE\nOne Person,Malmö,1\nStaff Person,Malmö,Staff only\n")
    job = import_contacts(client, content, session)
    assert visibility_by_name(session, malmo) == {
        "Yes Person": Visibility.SHARED, "No Person": Visibility.STAFF_ONLY, "Cross Person": Visibility.SHARED,
        "Empty Person": Visibility.STAFF_ONLY, "True Person": Visibility.SHARED, "One Person": Visibility.SHARED,
        "Staff Person": Visibility.STAFF_ONLY}
    assert (job.summary["shared"], job.summary["staff_only"]) == (4, 3)
    page = client.get(f"/import/{job.token}").text
    assert "Shared with the partner: 4" in page and "Staff only: 3" in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_headers_and_values_in_every_language(client, login, session, malmo, app, language):
    with app.test_request_context(), force_locale(language):
        header, shared, staff, yes = (gettext("Visible to"), str(Visibility.SHARED.label),
                                      str(Visibility.STAFF_ONLY.label), gettext("Yes"))
        assert guess_mapping(["Name", header], CONTACT_FIELDS)["visibility"] == 1
    login("coordinator")
    content = (f"Name,Partner city,{header}\nShared Person,Malmö,{shared}\nStaff Person,Malmö,{staff}\n"
               f"Yes Person,Malmö,{yes}\n")
    import_contacts(client, content, session)
    assert visibility_by_name(session, malmo) == {"Shared Person": Visibility.SHARED,
                                                  "Staff Person": Visibility.STAFF_ONLY,
                                                  "Yes Person": Visibility.SHARED}


@pytest.mark.parametrize("header", ["visibility", "Shared", "Shared with the partner", "Visibilidad", "Partagé",
                                    "Sichtbarkeit", "公開範囲", "共享", "مشترك مع الشريك"])
def test_header_spellings(app_ctx, header):
    assert guess_mapping(["Name", "E-mail", header], CONTACT_FIELDS)["visibility"] == 2


@pytest.mark.parametrize("text", ["yes", "Yes", "true", "1", "x", "X", "shared", "sí", "Oui", "ja", "はい", "是",
                                  "نعم", "Shared with the partner", "Partagé avec le partenaire", "相手都市と共有"])
def test_words_that_mean_shared(app_ctx, text):
    assert is_shared(text)


@pytest.mark.parametrize("text", ["", "no", "0", "false", "Staff only", "Solo personal", "職員のみ", "nein", "maybe"])
def test_anything_else_means_staff_only(app_ctx, text):
    assert not is_shared(text)


def test_the_upload_page_says_so(client, login):
    login("coordinator")
    page = client.get("/import/").text
    assert "Imported contacts are staff only, unless a “Shared with the partner” column says yes for them." in page
