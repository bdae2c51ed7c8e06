"""Issue 15, item 12: an invitation for an existing guest's address asks for that guest's password, so
guessing through it meets the sign-in limits (the same budget per account)."""
import re

import pytest
from sqlalchemy import select

from tests.factories import PASSWORD

SIGN_IN_LIMIT = 10  # per account and minute


@pytest.fixture
def invitation_for_an_existing_guest(client, login, make, session):
    from crm.guests.models import GuestAccess

    first = make.partnership()
    contact = make.contact(first, name="Hanako", email="hanako@kyoto.example")
    guest = make.user("guest", email="hanako@kyoto.example", name="Hanako")
    session.add(GuestAccess(user=guest, partnership=first, contact=contact))
    second = make.partnership(partner=make.city("Osaka"))
    second_contact = make.contact(second, name="Hanako", email="hanako@kyoto.example")
    session.commit()
    login("coordinator")
    response = client.post(f"/partnerships/{second.id}/invitations", data={"contact_id": second_contact.id},
                           follow_redirects=True)
    link = re.search(r'value="(http[^"]+/invitations/[^"]+)"', response.text).group(1)
    client.post("/sign-out")
    return "/" + link.split("/", 3)[3], guest


def test_guessing_a_guests_password_through_an_invitation_is_limited(app, client, invitation_for_an_existing_guest,
                                                                     session):
    from crm.guests.models import GuestAccess

    path, guest = invitation_for_an_existing_guest
    statuses = [client.post(path, data={"password": f"guess number {n}"}).status_code
                for n in range(SIGN_IN_LIMIT + 1)]
    assert statuses[:SIGN_IN_LIMIT] == [200] * SIGN_IN_LIMIT
    assert statuses[SIGN_IN_LIMIT] == 429
    assert client.post(path, data={"password": PASSWORD}).status_code == 429  # the right one too, for now
    # the guesses count against the account's sign-in too, from anywhere
    other = app.test_client()
    assert other.post("/sign-in", data={"email": guest.email, "password": PASSWORD}).status_code == 429
    assert len(session.scalars(select(GuestAccess)).all()) == 1


def test_sign_in_guesses_count_against_the_invitation_too(client, invitation_for_an_existing_guest):
    path, guest = invitation_for_an_existing_guest
    for n in range(SIGN_IN_LIMIT):
        client.post("/sign-in", data={"email": guest.email.upper(), "password": f"guess number {n}"})
    assert client.post(path, data={"password": PASSWORD}).status_code == 429
