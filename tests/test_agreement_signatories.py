"""An agreement's child rows and edits go the house way (crm/records.py): a signatory is added from the form on
the agreement's page, and an invalid one comes back on that page with its errors and what was typed (422)."""
import re

import pytest

from crm.agreements.models import Agreement, AgreementKind, AgreementText, Signatory


@pytest.fixture
def agreement(make, session):
    agreement = Agreement(partnership=make.partnership(partner=make.city("Kyoto", "京都市")),
                          kind=AgreementKind.SISTER_CITY, title="Sister city agreement")
    session.add(agreement)
    session.commit()
    return agreement


def test_an_invalid_signatory_comes_back_on_the_agreements_page_with_its_errors_and_input(client, login, agreement,
                                                                                         session):
    login("coordinator")
    response = client.post(f"/agreements/{agreement.id}/signatories",
                           data={"side": "partner", "name": "", "title": "京都市長", "city": "京都市"})
    assert response.status_code == 422
    page = response.text
    assert "Sister city agreement" in page  # the agreement's own page
    assert "The signatory was not added. Please correct the marked fields." in page
    assert re.search(r'<div class="field\s+has-error">\s*<label for="name">', page)  # the field says what is wrong
    assert "This field is required." in page
    assert 'value="京都市長"' in page and 'value="京都市"' in page  # what was typed is kept
    assert re.search(r'<option selected value="partner">|<option value="partner" selected>', page)
    assert session.query(Signatory).count() == 0


def test_a_valid_signatory_is_added_and_the_page_opens_at_the_signatories(client, login, agreement, session):
    login("coordinator")
    response = client.post(f"/agreements/{agreement.id}/signatories",
                           data={"side": "partner", "name": " 松井 孝治 ", "title": "京都市長", "city": ""})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/agreements/{agreement.id}#signatories"
    page = client.get(response.headers["Location"]).text
    assert "松井 孝治 was added as a signatory." in page
    assert [(s.name, s.title, s.city) for s in session.query(Signatory)] == [("松井 孝治", "京都市長", None)]


def test_creating_and_editing_an_agreement_go_back_where_the_user_came_from(client, login, make, agreement, session):
    login("coordinator")
    data = {"title": "Port MOU", "kind": "mou", "renews_id": 0, "signed_at": "", "effective_from": "",
            "expires_on": "", "notes": ""}
    created = client.post(f"/partnerships/{agreement.partnership_id}/agreements/new", data=data)
    new = session.query(Agreement).filter_by(title="Port MOU").one()
    assert created.headers["Location"] == f"/agreements/{new.id}"
    edited = client.post(f"/agreements/{new.id}/edit", query_string={"next": "/agreements/?kind=mou"},
                         data={**data, "title": "Harbour MOU", "version": new.version})
    assert edited.status_code == 302 and edited.headers["Location"] == "/agreements/?kind=mou"
    session.expire_all()
    assert session.get(Agreement, new.id).title == "Harbour MOU"


def test_an_edit_on_an_older_version_shows_what_changed_and_keeps_the_input(client, login, agreement, session):
    login("coordinator")
    opened = agreement.version
    agreement.title = "Renamed by a colleague"
    session.commit()
    response = client.post(f"/agreements/{agreement.id}/edit", data={
        "title": "My title", "kind": "sister_city", "renews_id": 0, "version": opened})
    assert response.status_code == 409
    assert "Renamed by a colleague" in response.text and 'value="My title"' in response.text


def test_a_text_conflict_names_the_language_its_colleague_chose(client, login, agreement, session):
    """The conflict page shows the language the text now has by its name, not by its code."""
    text = AgreementText(language="ja", body="両市は友好を深める。")
    agreement.texts.append(text)
    session.commit()
    opened = text.version
    text.language = "fr"
    session.commit()
    login("coordinator")
    response = client.post(f"/agreement-texts/{text.id}/edit",
                           data={"language": "ja", "body": "両市は友好を深める。", "version": opened})
    assert response.status_code == 409
    notice = re.search(r'<div class="flash flash-error conflict".*?</div>', response.text, re.S).group(0)
    assert "French" in notice and ">fr<" not in notice
