"""Issue 23 §1, the staff's side of the public face: publishing a partnership from its form, marking an engagement
as a highlight (its summary, programme and photo), and the admins' public-face settings."""
import re
from datetime import date

import pytest

from crm.agreements.models import Agreement
from crm.attachments.models import Attachment
from crm.engagements.models import Engagement
from crm.enums import Visibility
from crm.partnerships.models import Partnership
from crm.settings.models import OfficeSettings
from tests.test_partnerships import form_data

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


def version_of(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def attach(session, engagement, filename, content_type="image/png", **fields) -> Attachment:
    attachment = Attachment(partnership_id=engagement.partnership_id, engagement_id=engagement.id, filename=filename,
                            stored_name=f"{filename}-{engagement.id}".ljust(32, "0")[:64], content_type=content_type,
                            size=len(PNG), sha256="0" * 64, **fields)
    session.add(attachment)
    session.flush()
    return attachment


# --- publishing a partnership -------------------------------------------------------------------------------------

def test_the_partnership_form_publishes_and_unpublishes(client, login, make, session):
    login("coordinator")
    partnership = make.partnership(partner=make.city("Kyoto"))
    page = client.get(f"/partnerships/{partnership.id}").text
    assert "Public directory" in page and "Not shown" in page
    form = client.get(f"/partnerships/{partnership.id}/edit").text
    assert "Show on the public directory" in form
    data = form_data(partnership.home_city, **{"partner_city": "Kyoto",
                                               "partner_city-ref": f"city:{partnership.partner_city_id}",
                                               "is_public": "y", "version": version_of(form)})
    assert client.post(f"/partnerships/{partnership.id}/edit", data=data).status_code == 302
    session.expire_all()
    assert session.get(Partnership, partnership.id).is_public is True
    page = client.get(f"/partnerships/{partnership.id}").text
    assert f"/public/en/partnerships/{partnership.id}" in page and "see its public page" in page

    form = client.get(f"/partnerships/{partnership.id}/edit").text
    assert 'checked id="is_public"' in form
    data.pop("is_public")
    data["version"] = version_of(form)
    assert client.post(f"/partnerships/{partnership.id}/edit", data=data).status_code == 302
    session.expire_all()
    assert session.get(Partnership, partnership.id).is_public is False


def test_publishing_from_an_old_tab_is_a_conflict(client, login, make, session):
    login("coordinator")
    partnership = make.partnership(partner=make.city("Kyoto"))
    old = version_of(client.get(f"/partnerships/{partnership.id}/edit").text)
    data = form_data(partnership.home_city, **{"partner_city": "Kyoto",
                                               "partner_city-ref": f"city:{partnership.partner_city_id}",
                                               "version": old})
    assert client.post(f"/partnerships/{partnership.id}/edit", data={**data, "is_public": "y"}).status_code == 302
    stale = client.post(f"/partnerships/{partnership.id}/edit", data=data)  # the other tab, without the box
    assert stale.status_code == 409 and "Show on the public directory" in stale.text
    session.expire_all()
    assert session.get(Partnership, partnership.id).is_public is True


def test_a_viewer_cannot_publish(client, login, make):
    login("viewer")
    partnership = make.partnership()
    assert client.get(f"/partnerships/{partnership.id}/edit").status_code == 403


# --- a highlight ----------------------------------------------------------------------------------------------------

@pytest.fixture
def shared(make, session):
    partnership = make.partnership(partner=make.city("Kyoto"), is_public=True)
    engagement = make.engagement(partnership, title="Youth orchestra concert", notes="Staff remark")
    return engagement


def test_the_highlight_page_saves_the_summary_programme_and_photo(client, login, session, shared):
    login("coordinator")
    photo = attach(session, shared, "concert.png")
    attach(session, shared, "minutes.pdf", content_type="application/pdf")
    page = client.get(f"/engagements/{shared.id}/public")
    assert page.status_code == 200
    assert "Show as a highlight on the public page" in page.text and "Programme by day" in page.text
    assert "The partnership is on the public directory." in page.text
    assert f"/attachments/{photo.id}" in page.text and "concert.png" in page.text
    assert "minutes.pdf" not in page.text  # not an image: not a choice
    response = client.post(f"/engagements/{shared.id}/public", data={
        "version": version_of(page.text), "is_public": "y", "public_summary": "  Two hundred pupils played.  ",
        "public_programme": "Day one: rehearsal.\n\nDay two: concert.", "public_photo_id": str(photo.id)})
    assert response.status_code == 302
    session.expire_all()
    saved = session.get(Engagement, shared.id)
    assert saved.is_public and saved.public_summary == "Two hundred pupils played."
    assert saved.public_programme == "Day one: rehearsal.\n\nDay two: concert." and saved.public_photo_id == photo.id
    page = client.get(f"/engagements/{shared.id}/public").text
    assert re.search(rf'value="{photo.id}" checked', page)
    assert f"/public/en/highlights/{shared.id}" in page  # "see it as the public sees it"

    # no photo any more
    response = client.post(f"/engagements/{shared.id}/public", data={
        "version": version_of(page), "is_public": "y", "public_summary": "x", "public_photo_id": ""})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Engagement, shared.id).public_photo_id is None


def test_a_staff_only_engagement_is_refused(client, login, make, session):
    login("coordinator")
    partnership = make.partnership(is_public=True)
    hidden = make.engagement(partnership, title="Budget talk", visibility=Visibility.STAFF_ONLY)
    page = client.get(f"/engagements/{hidden.id}/public").text
    response = client.post(f"/engagements/{hidden.id}/public", data={
        "version": version_of(page), "is_public": "y", "public_summary": "typed text"})
    assert response.status_code == 200 and "Share it with the partner first" in response.text
    assert "typed text" in response.text  # what was typed stays
    session.expire_all()
    assert session.get(Engagement, hidden.id).is_public is False


@pytest.mark.parametrize("which", ["not an image", "another engagement's", "no such file"])
def test_a_photo_that_is_not_this_engagements_image_is_refused(client, login, make, session, shared, which):
    login("coordinator")
    other = make.engagement(shared.partnership)
    photo_id = {
        "not an image": lambda: attach(session, shared, "minutes.pdf", content_type="application/pdf").id,
        "another engagement's": lambda: attach(session, other, "other.png").id,
        "no such file": lambda: 999_999,
    }[which]()
    page = client.get(f"/engagements/{shared.id}/public").text
    response = client.post(f"/engagements/{shared.id}/public", data={
        "version": version_of(page), "is_public": "y", "public_photo_id": str(photo_id)})
    assert response.status_code == 200 and "Choose the photo among this engagement" in response.text
    session.expire_all()
    assert session.get(Engagement, shared.id).public_photo_id is None


def test_two_tabs_never_overwrite_each_other(client, login, session, shared):
    login("coordinator")
    old = version_of(client.get(f"/engagements/{shared.id}/public").text)
    first = client.post(f"/engagements/{shared.id}/public", data={
        "version": old, "is_public": "y", "public_summary": "First tab's summary"})
    assert first.status_code == 302
    second = client.post(f"/engagements/{shared.id}/public", data={
        "version": old, "is_public": "y", "public_summary": "Second tab's summary"})
    assert second.status_code == 409
    assert "First tab" in second.text and "Second tab" in second.text  # theirs shown, mine kept
    session.expire_all()
    assert session.get(Engagement, shared.id).public_summary == "First tab's summary"
    again = client.post(f"/engagements/{shared.id}/public", data={
        "version": version_of(second.text), "is_public": "y", "public_summary": "Second tab's summary"})
    assert again.status_code == 302  # saved again on purpose, on top of the new version


def test_a_mission_shows_its_itinerary_instead_and_says_whether_the_partnership_is_public(client, login, make,
                                                                                          session):
    from crm.programs.missions.models import TradeMission

    login("coordinator")
    partnership = make.partnership()  # not public
    mission = TradeMission(partnership=partnership, title="Trade mission to Osaka", direction="outbound",
                           occurred_on=date(2025, 3, 1), ends_on=date(2025, 3, 3))
    session.add(mission)
    session.flush()
    page = client.get(f"/engagements/{mission.id}/public").text
    assert "instead of a programme written here" in page and 'name="public_programme"' not in page
    assert "The partnership is not on the public directory" in page
    assert f"/partnerships/{partnership.id}/edit" in page


def test_the_engagement_pages_link_to_the_highlight_page(client, login, make, session, shared):
    from crm.programs.missions.models import TradeMission

    login("coordinator")
    link = f"/engagements/{shared.id}/public"
    assert link in client.get(f"/engagements/{shared.id}/edit").text
    assert link in client.get(f"/engagements/{shared.id}/people").text
    mission = TradeMission(partnership=shared.partnership, title="Mission", direction="outbound",
                           occurred_on=date(2025, 3, 1), ends_on=date(2025, 3, 3))
    session.add(mission)
    session.flush()
    assert f"/engagements/{mission.id}/public" in client.get(f"/missions/{mission.id}").text


def test_viewers_and_guests_cannot_open_the_highlight_page(client, login, shared):
    login("viewer")
    assert client.get(f"/engagements/{shared.id}/public").status_code == 403


# --- the admins' settings -------------------------------------------------------------------------------------------

def public_face_data(page: str, **overrides) -> dict:
    data = {"version": version_of(page), "public_fields": ["established_on", "agreements", "highlights"],
            "open_data_licence": "cc-by-4.0", "public_frame_ancestors": ""}
    data.update(overrides)
    return data


def test_admins_choose_the_fields_the_licence_and_the_framing_origins(client, login, make, session):
    login("admin")
    make.home_city()
    page = client.get("/settings/").text
    assert "Public face" in page and "Since when (the date it was established)" in page and "CC BY 4.0" in page
    response = client.post("/settings/public-face", data=public_face_data(page, public_frame_ancestors=(
        "https://www.city.example/\n\n  https://Portal.City.example:8443 \nhttps://www.city.example\n"
        "http://localhost:8000")))
    assert response.status_code == 302
    session.expire_all()
    settings = session.get(OfficeSettings, 1)
    assert settings.public_fields == ["established_on", "agreements", "highlights"]
    assert settings.open_data_licence == "cc-by-4.0"
    assert settings.public_frame_ancestors.splitlines() == [
        "https://www.city.example", "https://portal.city.example:8443", "http://localhost:8000"]
    page = client.get("/settings/").text
    assert re.search(r'value="agreements"[^>]*checked|checked[^>]*value="agreements"', page)
    assert not re.search(r'value="summary"[^>]*checked|checked[^>]*value="summary"', page)


@pytest.mark.parametrize("origin", ["*", "https://*.city.example", "'none'", "https://www.city.example/embed",
                                    "www.city.example", "http://www.city.example", "https://www city.example",
                                    "javascript:alert(1)", "'self'"])
def test_a_bad_framing_origin_is_refused(client, login, make, session, origin):
    login("admin")
    make.home_city()
    page = client.get("/settings/").text
    response = client.post("/settings/public-face", data=public_face_data(
        page, public_frame_ancestors=f"https://ok.example\n{origin}"))
    assert response.status_code == 422
    assert "is not a website" in response.text and "https://ok.example" in response.text  # what was typed stays
    session.expire_all()
    assert session.get(OfficeSettings, 1).public_frame_ancestors is None


def test_an_unknown_licence_is_refused_and_a_stale_form_is_a_conflict(client, login, make, session):
    login("admin")
    make.home_city()
    page = client.get("/settings/").text
    assert client.post("/settings/public-face", data=public_face_data(page, open_data_licence="gpl")).status_code \
        == 422
    assert client.post("/settings/public-face", data=public_face_data(page)).status_code == 302
    stale = client.post("/settings/public-face", data=public_face_data(page, open_data_licence="cc0"))
    assert stale.status_code == 409
    session.expire_all()
    assert session.get(OfficeSettings, 1).open_data_licence == "cc-by-4.0"


def test_only_admins_change_the_public_face(client, login, make):
    login("coordinator")
    assert client.post("/settings/public-face", data={}).status_code == 403


def test_a_field_turned_off_leaves_the_public_page_and_the_feed(client, login, make, session):
    partnership = make.partnership(partner=make.city("Kyoto"), is_public=True, established_on=date(1959, 3, 21))
    session.add(Agreement(partnership=partnership, kind="mou", title="Friendship charter of 1959", status="signed",
                          signed_on=date(1959, 3, 21)))
    session.flush()
    page = client.get(f"/public/en/partnerships/{partnership.id}")
    feed = client.get("/open-data/partnerships.json")
    assert page.status_code == 200 and feed.status_code == 200
    assert "Friendship charter of 1959" in page.text and "Friendship charter of 1959" in feed.text

    login("admin")
    settings_page = client.get("/settings/").text
    assert client.post("/settings/public-face", data=public_face_data(
        settings_page, public_fields=["established_on", "highlights"])).status_code == 302
    with client.session_transaction() as flask_session:  # the rest is seen signed out
        flask_session.clear()
    assert "Friendship charter of 1959" not in client.get(f"/public/en/partnerships/{partnership.id}").text
    assert "Friendship charter of 1959" not in client.get("/open-data/partnerships.json").text
    assert "Kyoto" in client.get(f"/public/en/partnerships/{partnership.id}").text  # the cities always are
