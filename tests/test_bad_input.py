"""Whatever a user types into a URL or a form, the answer is never a 500."""
import pytest


@pytest.mark.parametrize("url", [
    "/partnerships/99999999999999999999",
    "/partnerships/2147483648",
    "/engagements/99999999999/edit",
    "/partnerships/?page=99999999999999999999999",
    "/partnerships/?page=abc&liaison=99999999999999&home=-1&q=%00%27%22<script>",
    "/contacts/?partnership=99999999999999999&side=nope",
    "/contacts/new?partnership=99999999999999999",
    "/organizations/?kind=%F0%9F%98%80",
    "/cities/lookup?q=" + "x" * 5000,
])
def test_hostile_urls_never_break_a_page(client, login, url):
    login("admin")
    assert client.get(url).status_code in (200, 404)


@pytest.mark.parametrize("ref", ["city:99999999999999999999", "gn:99999999999999999999", "gn:-1", "city:abc",
                                 "city:", ":::"])
def test_hostile_city_references_are_refused_politely(client, login, make, ref):
    login("coordinator")
    home = make.home_city()
    response = client.post("/partnerships/new", data={
        "home_city_id": home.id, "partner_city": "", "partner_city-ref": ref, "kind": "sister_city",
        "status": "active", "liaison_id": 0})
    assert response.status_code == 200
    assert "Choose" in response.text


def test_posting_non_utf8_and_control_characters(client, login, make, session):
    login("coordinator")
    partnership = make.partnership()
    response = client.post(f"/partnerships/{partnership.id}/engagements", data={
        "kind": "meeting", "occurred_on": "2025-01-01", "title": "Tab\tand\x00null and 🚀 and \u202e",
        "substantive": "yes", "visibility": "shared", "initiated_by": "home"})
    assert response.status_code in (302, 422)
