from crm.contacts.models import Contact, Organization
from crm.engagements.models import Visibility


def test_add_a_contact_to_a_partnership(client, login, make, session):
    login("coordinator")
    partnership = make.partnership(partner=make.city("Kyoto"))
    organization = make.organization(partnership, name="Kyoto University")
    page = client.get(f"/contacts/new?partnership={partnership.id}").text
    assert f'selected value="{partnership.id}"' in page or f'value="{partnership.id}" selected' in page
    response = client.post("/contacts/new", data={
        "partnership_id": partnership.id, "side": "partner", "name": "山田 花子", "job_title": "Director",
        "organization_id": organization.id, "email": "hanako@example.jp", "phone": "+81 75 000",
        "language": "es", "visibility": "shared", "notes": "Prefers e-mail"})
    assert response.status_code == 302
    contact = session.query(Contact).one()
    assert contact.organization_id == organization.id and contact.language == "es"
    assert "山田 花子" in client.get(f"/partnerships/{partnership.id}").text


def test_contact_form_errors_keep_input(client, login, make, session):
    login("coordinator")
    partnership = make.partnership()
    response = client.post("/contacts/new", data={
        "partnership_id": partnership.id, "side": "partner", "name": "Ana", "email": "not-an-email",
        "organization_id": 0, "language": "", "visibility": "shared"})
    assert "Invalid email address." in response.text and 'value="Ana"' in response.text
    assert session.query(Contact).count() == 0


def test_a_contact_cannot_join_another_partnerships_organization(client, login, make, session):
    login("coordinator")
    mine = make.partnership()
    other = make.partnership()
    foreign = make.organization(other)
    response = client.post("/contacts/new", data={
        "partnership_id": mine.id, "side": "partner", "name": "Ana", "organization_id": foreign.id,
        "language": "", "visibility": "shared"})
    assert response.status_code == 200 and "Not a valid choice" in response.text
    assert session.query(Contact).count() == 0


def test_edit_a_contact(client, login, make, session):
    login("coordinator")
    partnership = make.partnership()
    contact = make.contact(partnership, name="Old Name")
    assert "Old Name" in client.get(f"/contacts/{contact.id}/edit").text
    client.post(f"/contacts/{contact.id}/edit", data={
        "partnership_id": partnership.id, "side": "home", "name": "New Name", "organization_id": 0,
        "language": "", "visibility": "staff_only"})
    session.expire_all()
    changed = session.get(Contact, contact.id)
    assert changed.name == "New Name" and changed.visibility == Visibility.STAFF_ONLY


def test_contact_list_filters(client, login, make):
    login("viewer")
    a = make.partnership(partner=make.city("Kyoto"))
    b = make.partnership(partner=make.city("Lyon"))
    make.contact(a, name="Hanako Yamada", email="h@example.jp")
    make.contact(b, name="Jean Dupont", side="home")
    page = client.get("/contacts/").text
    assert "Hanako Yamada" in page and "Jean Dupont" in page
    assert "Jean Dupont" not in client.get(f"/contacts/?partnership={a.id}").text
    assert "Hanako Yamada" not in client.get("/contacts/?side=home").text
    assert "Jean Dupont" not in client.get("/contacts/?q=yamada").text
    assert "No contacts found." in client.get("/contacts/?q=nobody").text


def test_organizations_create_edit_and_list(client, login, make, session):
    login("coordinator")
    partnership = make.partnership(partner=make.city("Kyoto"))
    response = client.post("/organizations/new", data={
        "partnership_id": partnership.id, "side": "partner", "name": "Kyoto Chamber", "kind": "chamber",
        "website": "https://example.jp"})
    assert response.status_code == 302
    organization = session.query(Organization).one()
    bad = client.post(f"/organizations/{organization.id}/edit", data={
        "partnership_id": partnership.id, "side": "partner", "name": "Kyoto Chamber", "kind": "chamber",
        "website": "javascript:alert(1)"})
    assert "Invalid URL." in bad.text
    client.post(f"/organizations/{organization.id}/edit", data={
        "partnership_id": partnership.id, "side": "partner", "name": "Kyoto Chamber of Commerce",
        "kind": "chamber", "website": ""})
    page = client.get("/organizations/?kind=chamber").text
    assert "Kyoto Chamber of Commerce" in page
    assert "Kyoto Chamber" not in client.get("/organizations/?kind=airline").text


def test_a_contact_or_organization_moved_to_another_partnership_leads_to_that_partnerships_page(
        client, login, make, session):
    login("coordinator")
    first, second = make.partnership(), make.partnership()
    contact, organization = make.contact(first, name="Ana"), make.organization(first, name="Chamber")
    response = client.post(f"/contacts/{contact.id}/edit", data={
        "partnership_id": second.id, "side": "partner", "name": "Ana", "organization_id": 0, "language": "",
        "visibility": "shared", "version": "1"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/partnerships/{second.id}#contacts"
    response = client.post(f"/organizations/{organization.id}/edit", data={
        "partnership_id": second.id, "side": "partner", "name": "Chamber", "kind": "chamber", "version": "1"})
    assert response.headers["Location"] == f"/partnerships/{second.id}#organizations"
    created = client.post("/organizations/new", data={
        "partnership_id": second.id, "side": "home", "name": "Airline", "kind": "airline"})
    assert created.headers["Location"] == f"/partnerships/{second.id}#organizations"
    session.expire_all()
    assert session.get(Contact, contact.id).partnership_id == second.id
    assert session.get(Organization, organization.id).partnership_id == second.id
